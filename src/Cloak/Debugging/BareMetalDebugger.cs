using Cloak.BareMetal;
using Cloak.Chip.Cpu;

namespace Cloak.Debugging;

/// <summary>
/// gdb on a bare-metal run: the whole machine is one thread (id 1); registers and CSRs come from
/// the hart and memory is physical. Nothing here is protected (a bare-metal program runs on a chip
/// without an identity), so gdb sees and changes everything. It runs the hart in large chunks while
/// nothing is set, one instruction at a time while a step, breakpoint or watchpoint is.
/// </summary>
public sealed class BareMetalDebugger : IDebugTarget, IDisposable
{
    public const int Thread = 1;

    /// <summary>Instructions between two looks for Ctrl-C while running freely.</summary>
    private const long Chunk = 1 << 16;

    private readonly BareMetalMachine _machine;
    private readonly CancellationTokenSource _kill = new();
    private StopEvent? _pending;
    private ulong? _resumeFrom;

    public BareMetalDebugger(BareMetalMachine machine, GdbConnection connection)
    {
        _machine = machine;
        Stub = new GdbStub(connection, this, Thread);
        machine.Executor = Execute;
    }

    public GdbStub Stub { get; }

    /// <summary>Signalled when gdb kills the target: pass it to <see cref="BareMetalMachine.Run"/>.</summary>
    public CancellationToken KillToken => _kill.Token;

    private Hart Hart => _machine.Hart;

    /// <summary>The first stop, before the first instruction: serves gdb until it resumes the machine.</summary>
    public void Attach()
    {
        Stub.Stop(StopEvent.Step(Thread), announce: false);
        AfterStop();
    }

    public IReadOnlyList<DebugThread> Threads { get; } = [new DebugThread(Thread, "bare-metal hart 0")];

    private RunResult Execute(long max)
    {
        long retired = 0;
        while (retired < max)
        {
            if (_pending is { } stop)
            {
                _pending = null;
                Stub.Stop(stop);
                AfterStop();
                if (Stub.Killed) return new RunResult(StopReason.InstructionLimit, retired);
            }
            if (!Stub.NeedsStepping(Thread))
            {
                var free = Hart.Run(Math.Min(max - retired, Chunk));
                retired += free.InstructionsRetired;
                if (Stub.PollInterrupt()) _pending = StopEvent.Interrupted(Thread);
                if (free.Reason != StopReason.InstructionLimit) return free with { InstructionsRetired = retired };
                continue;
            }
            ulong pc = Hart.Pc;
            if (_resumeFrom != pc && Stub.CodeBreakpointAt(Thread, pc) is { } hit)
            {
                _pending = StopEvent.Hit(Thread, hit);
                continue;
            }
            _resumeFrom = null;
            _pending = AccessRecorder.StepOne(Stub, Hart, Thread, () => Hart.Run(1), out var result);
            retired += result.InstructionsRetired;
            if ((retired & 0xFFF) == 0 && Stub.PollInterrupt()) _pending ??= StopEvent.Interrupted(Thread);
            if (result.Reason != StopReason.InstructionLimit) return result with { InstructionsRetired = retired };
        }
        return new RunResult(StopReason.InstructionLimit, retired);
    }

    /// <summary>After gdb resumes: a breakpoint at the pc it stopped on does not stop it again at once; a kill ends the run.</summary>
    private void AfterStop()
    {
        _resumeFrom = Hart.Pc;
        if (Stub.Killed) _kill.Cancel();
    }

    public ulong? ReadRegister(int thread, int regnum) => regnum switch
    {
        < 32 => Hart.GetRegister(regnum),
        TargetDescription.Pc => Hart.Pc,
        _ => TargetDescription.CsrOf(regnum) is { } csr ? Hart.ReadCsr(csr) : null,
    };

    public string? WriteRegister(int thread, int regnum, ulong value)
    {
        switch (regnum)
        {
            case 0:
                return null;
            case < 32:
                Hart.SetRegister(regnum, value);
                return null;
            case TargetDescription.Pc:
                Hart.Pc = value;
                return null;
            default:
                if (TargetDescription.CsrOf(regnum) is not { } csr) return "no such register";
                Hart.WriteCsr(csr, value);
                return null;
        }
    }

    public byte[]? ReadMemory(int thread, ulong address, int length)
    {
        var dram = _machine.Dram;
        if (!dram.Contains(address)) return null;
        int readable = (int)Math.Min((ulong)length, dram.EndAddress - address);
        return dram.Read(address, readable).ToArray();
    }

    public string? WriteMemory(int thread, ulong address, ReadOnlySpan<byte> data)
    {
        if (!_machine.Dram.Contains(address, (ulong)data.Length)) return "outside RAM";
        _machine.Dram.Write(address, data);
        return null;
    }

    public string? RefuseBreakpoint(int thread, ulong address, ulong length, bool code) => null;

    public string? RefuseStep(int thread) => null;

    public void Dispose() => _kill.Dispose();
}
