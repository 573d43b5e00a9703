using Cloak.Chip;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Os;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Debugging;

/// <summary>
/// gdb on an OS-model run: one thread per process (id = pid, "pid N name"), registers from the
/// context the kernel keeps, memory through the process's page table. It sits between the kernel and
/// the chip's port (<see cref="OsMachineOptions.WrapPort"/>) and runs a process one instruction at a
/// time while a step, breakpoint or watchpoint of it is set.
/// Threat (SPEC 2.3, docs/debugging.md): the debugger is driven from the host, which the OS may well
/// control; for a sealed process that is not debuggable it must show no more than the OS sees:
/// registers of its sealed context are unavailable, its encrypted memory reads as DRAM's ciphertext,
/// and breakpoints, watchpoints, steps and writes into its protected memory are refused (each would
/// reveal where the program is or what it touches, or change what it computes). Only an image sealed
/// with <c>cloak seal --debuggable</c> (a flag in its header, part of its identity) is shown in
/// plaintext, through the chip's inspector.
/// </summary>
public sealed partial class OsDebugger : IDebugTarget, IDisposable
{
    /// <summary>Instructions between two looks for Ctrl-C while a process runs freely.</summary>
    private const long Chunk = 1 << 16;

    private readonly IReadOnlyDictionary<string, SealedImage> _sealed;
    private readonly CancellationTokenSource _kill = new();
    private readonly KernelView _view = new();
    private OsMachine? _machine;
    private ProtectedMemoryInspector? _chip;
    private GdbStub? _stub;
    private StopEvent? _pending;
    private (int Thread, ulong Pc)? _resumeFrom;

    /// <param name="sealedPrograms">The sealed images by program name (whether each is debuggable, where its encrypted regions are).</param>
    public OsDebugger(IReadOnlyDictionary<string, SealedImage> sealedPrograms) => _sealed = sealedPrograms;

    /// <summary>For <see cref="OsMachineOptions.WrapPort"/>: the port the kernel gets.</summary>
    public OsPort Wrap(OsPort port) => new DebugPort(this, port);

    /// <summary>Binds to the machine built with <see cref="Wrap"/> (before its processes start).</summary>
    public void Bind(OsMachine machine)
    {
        _machine = machine;
        _chip = new ProtectedMemoryInspector(machine.Processor);
        machine.Kernel.AttachObserver(_view);
    }

    /// <summary>Signalled when gdb kills the target.</summary>
    public CancellationToken KillToken => _kill.Token;

    public GdbStub Stub => _stub ?? throw new InvalidOperationException("gdb is not attached");

    /// <summary>Serves gdb's first stop, before any process has run: the first process is the current thread.</summary>
    public void Attach(GdbConnection connection)
    {
        var first = Live().FirstOrDefault() ?? throw new InvalidOperationException("no process to debug");
        _stub = new GdbStub(connection, this, first.Pid);
        Serve(StopEvent.Step(first.Pid), announce: false);
    }

    /// <summary>Tells gdb the machine stopped and serves it; afterwards a breakpoint at the stopped pc does not stop it again at once.</summary>
    private void Serve(StopEvent stop, bool announce = true)
    {
        Stub.Stop(stop, announce);
        _resumeFrom = Find(stop.Thread) is { } p && Pc(p) is { } pc ? (p.Pid, pc) : null;
        if (Stub.Killed) _kill.Cancel();
    }

    /// <summary>True if <paramref name="process"/> runs a sealed image marked debuggable.</summary>
    public bool IsDebuggable(Process process) =>
        _sealed.TryGetValue(process.Name, out var image) && ((SealedImageFlags)image.Flags).HasFlag(SealedImageFlags.Debuggable);

    private IEnumerable<Process> Live() => _view.Kernel.Processes.Where(p => p.State is not (ProcessState.Zombie or ProcessState.Reaped));

    private Process? Find(int pid) => Live().FirstOrDefault(p => p.Pid == pid);

    private UserContext ContextOf(Process process) => _view.Kernel.SavedContext(process);

    private bool IsSealed(Process process) => process.SealedImage;

    /// <summary>The OS's view is all a debugger gets of this process: sealed and not debuggable.</summary>
    private bool Hidden(Process process) => IsSealed(process) && !IsDebuggable(process);

    public IReadOnlyList<DebugThread> Threads => [.. Live().Select(p => new DebugThread(p.Pid, $"pid {p.Pid} {p.Name}"))];

    /// <summary>The protected ranges of a process: its image's encrypted regions and, once it runs protected, every EAR entry of its context (the chip says where, never what).</summary>
    private List<(ulong Start, ulong End)> ProtectedRanges(Process process)
    {
        var ranges = new List<(ulong, ulong)>();
        if (_sealed.TryGetValue(process.Name, out var image) && IsSealed(process))
            ranges.AddRange(image.Regions.Select(r => (r.Start, r.End)));
        var context = ContextOf(process);
        if (context.IsProtected)
            ranges.AddRange(_chip!.Regions(context).Regions.Select(r => (r.Start, r.Start + r.Length)));
        return ranges;
    }

    private static bool Overlaps(List<(ulong Start, ulong End)> ranges, ulong address, ulong length) =>
        ranges.Any(r => address < r.End && r.Start < address + Math.Max(length, 1));

    private ulong? Pc(Process process)
    {
        var context = ContextOf(process);
        if (!context.IsProtected) return context.Pc;
        if (!IsDebuggable(process)) return null;
        Span<ulong> registers = stackalloc ulong[32];
        return _chip!.Registers(context, registers, out ulong pc) == ContextRefusal.None ? pc : null;
    }

    public ulong? ReadRegister(int thread, int regnum)
    {
        if (Find(thread) is not { } process) return null;
        var context = ContextOf(process);
        if (TargetDescription.CsrOf(regnum) is { } csr)
            // The kernel model is the machine level: its CSRs are no process's; satp is the process's own (the OS set it).
            return csr == Isa.CsrAddress.Satp ? context.Satp : null;
        if (!context.IsProtected) return regnum == TargetDescription.Pc ? context.Pc : context[regnum];
        if (!IsDebuggable(process)) return null;   // sealed: the OS sees no register (SPEC R4)
        Span<ulong> registers = stackalloc ulong[32];
        if (_chip!.Registers(context, registers, out ulong pc) != ContextRefusal.None) return null;
        ulong value = regnum == TargetDescription.Pc ? pc : registers[regnum];
        registers.Clear();
        return value;
    }

    public string? WriteRegister(int thread, int regnum, ulong value)
    {
        if (Find(thread) is not { } process) return "no such process";
        var context = ContextOf(process);
        if (context.IsProtected) return "a sealed context's registers are the chip's: the OS cannot change them";
        if (regnum == TargetDescription.Pc) context.Pc = value;
        else if (regnum < 32) context[regnum] = value;
        else return "a process has no machine CSRs of its own";
        return null;
    }

    public byte[]? ReadMemory(int thread, ulong address, int length)
    {
        if (Find(thread) is not { } process || length <= 0) return null;
        byte[] bytes = new byte[length];
        // Through the page table into DRAM, as the kernel reads it: a protected page reads as its ciphertext.
        if (!_view.Kernel.ReadUserMemory(process, address, bytes)) return null;
        var context = ContextOf(process);
        if (IsDebuggable(process) && context.IsProtected && Overlaps(ProtectedRanges(process), address, (ulong)length))
        {
            // Debuggable: the chip's inspector shows the plaintext the process reads.
            var inspection = _chip!.Inspect(context, [(address, (ulong)length)]);
            foreach (var line in inspection.Lines.Where(l => l.Region is not null && l.ProcessView.Length == 64))
                for (int i = 0; i < 64; i++)
                {
                    ulong at = line.VirtualAddress + (ulong)i;
                    if (at >= address && at < address + (ulong)length) bytes[at - address] = line.ProcessView[i];
                }
        }
        return bytes;
    }

    public string? WriteMemory(int thread, ulong address, ReadOnlySpan<byte> data)
    {
        if (Find(thread) is not { } process) return "no such process";
        // A write into protected memory would be a tampering attack (and the chip alone can encrypt): refused.
        if (Overlaps(ProtectedRanges(process), address, (ulong)data.Length)) return "protected memory";
        byte[] probe = new byte[data.Length];
        if (!_view.Kernel.ReadUserMemory(process, address, probe)) return "not mapped";   // populates the pages
        for (int done = 0; done < data.Length;)
        {
            ulong va = address + (ulong)done;
            int inPage = (int)Math.Min((ulong)(data.Length - done), 4096 - (va & 0xFFF));
            if (_view.Kernel.FrameOf(process, va) is not { } frame) return "not resident";
            _machine!.Processor.Port.Memory.Write((frame << 12) | (va & 0xFFF), data.Slice(done, inPage));
            done += inPage;
        }
        return null;
    }

    public string? RefuseBreakpoint(int thread, ulong address, ulong length, bool code)
    {
        if (Find(thread) is not { } process) return "no such process";
        if (Hidden(process) && Overlaps(ProtectedRanges(process), address, length)) return "inside a protected process's encrypted memory";
        // The chip hides a protected context's data addresses from the host's trace: a watchpoint could never fire.
        if (!code && IsSealed(process)) return "watchpoints in a sealed process";
        return null;
    }

    public string? RefuseStep(int thread) =>
        Find(thread) is { } process && Hidden(process) && ContextOf(process).IsProtected ? "a protected process cannot be stepped" : null;

    public void Dispose() => _kill.Dispose();

    /// <summary>A passive kernel observer: the debugger sees the kernel's data through it, as the OS sees it.</summary>
    private sealed class KernelView : Adversary
    {
        public override string Name => "gdb";

        public AdversaryPowers Kernel => Powers;
    }
}
