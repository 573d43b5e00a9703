using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>A data memory access made by a retired instruction.</summary>
public readonly record struct MemoryAccess(ulong VirtualAddress, ulong PhysicalAddress, int Size, ulong Value, bool IsWrite);

/// <summary>One retired instruction as a commit log shows it (in the spirit of Spike's --log-commits).</summary>
public readonly record struct RetiredInstruction(
    ulong Pc, uint Bits, Privilege Privilege, int Rd, ulong RdValue, IReadOnlyList<MemoryAccess> Accesses);

/// <summary>Receives every retired instruction and every trap while attached to a hart.</summary>
public interface IInstructionTracer
{
    void Retired(in RetiredInstruction instruction);
    void TrapTaken(Trap trap, ulong pc);
}

/// <summary>
/// Traced execution: one instruction per slice with the TLB fast path off, so every memory access goes
/// through the slow path, which records it. Much slower than normal runs, and meant to be.
/// </summary>
public sealed unsafe partial class Hart
{
    private IInstructionTracer? _tracer;
    private readonly List<MemoryAccess> _accesses = [];

    public IInstructionTracer? Tracer
    {
        get => _tracer;
        set
        {
            _tracer = value;
            FastPathEnabled = value is null && !_busTapped;
        }
    }

    private void RecordAccess(ulong va, ulong pa, int size, ulong value, bool isWrite)
    {
        if (_tracer is not null) _accesses.Add(new MemoryAccess(va, pa, size, value, isWrite));
    }

    private RunResult RunTraced(long maxInstructions)
    {
        long retired = 0, traps = 0;
        while (retired + traps < maxInstructions)
        {
            if (TryTakeInterrupt(out bool stop))
            {
                traps++;
                if (stop) return new(StopReason.Trap, retired);
            }
            ulong pc = _pc;
            var privilege = _privilege;
            var saved = _pendingTrap;
            var decoded = TryFetchInstruction(pc, out uint bits) ? Decoder.Decode(bits) : default;
            _pendingTrap = saved;
            _accesses.Clear();

            var exit = RunSlice(1);
            retired += (long)_sliceRetired;
            _retired += _sliceRetired;
            bool didRetire = _sliceRetired == 1;
            _sliceRetired = 0;
            if (didRetire)
            {
                int rd = decoded.IsLegal ? decoded.Rd : 0;
                _tracer!.Retired(new RetiredInstruction(pc, bits, privilege, rd, GetRegister(rd), [.. _accesses]));
            }

            switch (exit)
            {
                case SliceExit.Budget or SliceExit.EndSlice:
                    if (_bus.AttentionRequested) return new(StopReason.Attention, retired);
                    break;
                case SliceExit.Semihosting:
                    return new(StopReason.Semihosting, retired);
                case SliceExit.Trap:
                    traps++;
                    if (EnterTrap(_pendingTrap) is { } reason) return new(reason, retired);
                    break;
                case SliceExit.Wfi:
                    if (!WaitForInterrupt()) return new(StopReason.WaitingForever, retired);
                    break;
            }
        }
        return new(StopReason.InstructionLimit, retired);
    }
}
