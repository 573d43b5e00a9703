using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>A data memory access made by a retired instruction.</summary>
public readonly record struct MemoryAccess(ulong VirtualAddress, ulong PhysicalAddress, int Size, ulong Value, bool IsWrite);

/// <summary>
/// One retired instruction as a commit log shows it (in the spirit of Spike's --log-commits). For an
/// instruction of a protected context (<see cref="Protected"/>) the chip reports only what leaves it:
/// pc, bits, the register written and the addresses of on-chip (EAR) accesses stay hidden (zero); the
/// accesses listed are the plain ones, which cross the bus anyway (physical address and value only).
/// </summary>
public readonly record struct RetiredInstruction(
    ulong Pc, uint Bits, Privilege Privilege, int Rd, ulong RdValue, IReadOnlyList<MemoryAccess> Accesses, bool Protected = false);

/// <summary>
/// Receives every retired instruction and every trap while attached to a hart. A host-side power
/// (<see cref="Processor.Hart"/>): an OS model never holds the hart. Even so it sees no plaintext of a
/// protected context (SPEC 2.3: no debugger reads a protected program).
/// </summary>
public interface IInstructionTracer
{
    void Retired(in RetiredInstruction instruction);
    /// <summary>A trap taken at <paramref name="pc"/> (0 and a hidden tval when a protected context trapped).</summary>
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
    private readonly List<MemoryAccess> _plainAccesses = [];

    public IInstructionTracer? Tracer
    {
        get => _tracer;
        set
        {
            _tracer = value;
            FastPathEnabled = value is null && !_busTapped;
        }
    }

    /// <summary>Notes a data access for the trace; <paramref name="onChip"/>: it was served from a protected region (its value never leaves the chip).</summary>
    private void RecordAccess(ulong va, ulong pa, int size, ulong value, bool isWrite, bool onChip = false)
    {
        if (_tracer is null) return;
        _accesses.Add(new MemoryAccess(va, pa, size, value, isWrite));
        // What a protected context's trace may show: plain accesses as the bus carries them.
        if (!onChip) _plainAccesses.Add(new MemoryAccess(0, pa, size, value, isWrite));
    }

    private RunResult RunTraced(long maxInstructions)
    {
        long retired = 0, traps = 0;
        while (retired + traps < maxInstructions)
        {
            if (TryTakeInterrupt(out var stop))
            {
                traps++;
                if (stop is { } reason) return new(reason, retired);
            }
            ulong pc = _pc;
            var privilege = _privilege;
            var saved = _pendingTrap;
            var decoded = TryFetchInstruction(pc, out uint bits) ? Decoder.Decode(bits) : default;
            _pendingTrap = saved;
            _accesses.Clear();
            _plainAccesses.Clear();
            bool wasProtected = _protectedState is not null;

            var exit = RunSlice(1);
            retired += (long)_sliceRetired;
            _retired += _sliceRetired;
            bool didRetire = _sliceRetired == 1;
            _sliceRetired = 0;
            if (didRetire)
            {
                if (wasProtected)
                {
                    _tracer!.Retired(new RetiredInstruction(0, 0, privilege, 0, 0, [.. _plainAccesses], Protected: true));
                }
                else
                {
                    int rd = decoded.IsLegal ? decoded.Rd : 0;
                    _tracer!.Retired(new RetiredInstruction(pc, bits, privilege, rd, rd is > 0 and < 32 ? _x[rd] : 0, [.. _accesses]));
                }
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
                case SliceExit.JumpToSelf:
                    if (SpinsForever()) return new(StopReason.SpinningForever, retired);
                    break;
            }
        }
        return new(StopReason.InstructionLimit, retired);
    }
}
