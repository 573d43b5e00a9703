using Cloak.Isa;
namespace Cloak.Chip.Cpu;

/// <summary>
/// The run loop around the executor: takes interrupts between slices, sizes each slice so a timer
/// interrupt lands on the exact cycle mtime reaches mtimecmp, handles wfi by skipping idle time, and
/// turns traps into either a jump to mtvec or a stop for the host.
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>Longest slice between interrupt checks when no timer is armed.</summary>
    private const long MaxSlice = 1 << 20;

    /// <summary>
    /// Runs until <paramref name="maxInstructions"/> retire or something needs the host
    /// (see <see cref="StopReason"/>).
    /// </summary>
    public RunResult Run(long maxInstructions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInstructions);
        if (Tracer is not null) return RunTraced(maxInstructions);

        long retired = 0, traps = 0;
        // Traps count against the budget as well, so a trap loop that retires nothing still returns.
        while (retired + traps < maxInstructions)
        {
            if (TryTakeInterrupt(out var stop))
            {
                traps++;
                if (stop is { } reason) return Stop(reason);
            }
            long slice = SliceLength(maxInstructions - retired - traps);
            if (slice <= 0) break;
            var exit = _options.Engine == ExecutionEngine.Translate ? RunSliceTranslated(slice) : RunSlice(slice);
            retired += (long)_sliceRetired;
            _retired += _sliceRetired;
            _sliceRetired = 0;

            switch (exit)
            {
                case SliceExit.Budget or SliceExit.EndSlice:
                    if (_bus.AttentionRequested) return Stop(StopReason.Attention);
                    break;
                case SliceExit.Semihosting:
                    return Stop(StopReason.Semihosting);
                case SliceExit.Trap:
                {
                    traps++;
                    var reason = EnterTrap(_pendingTrap);
                    if (reason is { } r) return Stop(r);
                    break;
                }
                case SliceExit.Wfi:
                    if (!WaitForInterrupt()) return Stop(StopReason.WaitingForever);
                    break;
                case SliceExit.JumpToSelf:
                    if (SpinsForever()) return Stop(StopReason.SpinningForever);
                    break;
            }
        }
        return Stop(StopReason.InstructionLimit);

        RunResult Stop(StopReason reason) => new(reason, retired);
    }

    /// <summary>Instructions to run before the next interrupt check.</summary>
    private long SliceLength(long remaining)
    {
        long slice = Math.Min(remaining, MaxSlice);
        if (_clint is not null && (_mie & InterruptMti) != 0 && (_privilege < Privilege.Machine || (_mstatus & MstatusMie) != 0))
        {
            ulong untilTimer = _clint.CyclesUntilTimer();
            if (untilTimer < (ulong)slice) slice = Math.Max(1, (long)untilTimer);
        }
        return slice;
    }

    /// <summary>
    /// Takes a pending, enabled interrupt if there is one. <paramref name="stop"/>: why the run must
    /// stop (the host handles traps, or no handler is installed), as for an exception: an interrupt
    /// with mtvec = 0 on bare metal is an unhandled trap (found by fuzzing: it was reported as a
    /// host-handled trap, which the bare-metal machine does not expect).
    /// </summary>
    private bool TryTakeInterrupt(out StopReason? stop)
    {
        stop = null;
        if (PendingInterrupt() is not { } cause) return false;
        stop = EnterTrap(new Trap(cause, 0));
        return true;
    }

    /// <summary>Instructions retired when the last exception was taken, and its cause: a trap loop is one that retires nothing in between.</summary>
    private ulong _retiredAtLastException = ulong.MaxValue;
    private TrapCause _lastExceptionCause;

    /// <summary>Takes a trap; returns why the run must stop, or null if guest code at mtvec handles it.</summary>
    private StopReason? EnterTrap(Trap trap)
    {
        bool noHandler = !_options.HostHandlesTraps && (_mtvec & ~3UL) == 0;
        // An exception at the handler's own entry, with nothing retired since the same exception sent
        // the hart there, is a fixed point: entering the trap disables interrupts, so nothing can change.
        ulong retiredNow = _retired + _sliceRetired;
        bool loop = !_options.HostHandlesTraps && !trap.IsInterrupt && _pc == (_mtvec & ~3UL) &&
                    retiredNow == _retiredAtLastException && trap.Cause == _lastExceptionCause;
        if (!trap.IsInterrupt)
        {
            _retiredAtLastException = retiredNow;
            _lastExceptionCause = trap.Cause;
        }
        TakeTrap(trap);
        if (loop) return StopReason.TrapLoop;
        if (_tracer is not null)
        {
            // A protected context's pc and an illegal instruction's bits stay on chip.
            if (_protectedState is null) _tracer.TrapTaken(trap, _mepc);
            else _tracer.TrapTaken(trap.Cause == TrapCause.IllegalInstruction ? trap with { Tval = 0 } : trap, 0);
        }
        if (_options.HostHandlesTraps) return StopReason.Trap;
        return noHandler ? StopReason.UnhandledTrap : null;
    }

    /// <summary>
    /// wfi: if an enabled interrupt is pending, go on; otherwise let time pass until the timer fires.
    /// False when nothing could ever wake the hart.
    /// </summary>
    private bool WaitForInterrupt()
    {
        if ((Mip & _mie) != 0) return true;
        if (_clint is not null && (_mie & InterruptMti) != 0 && _clint.Mtimecmp != ulong.MaxValue)
        {
            _stallCycles += _clint.CyclesUntilTimer();
            return true;
        }
        return false;
    }

    /// <summary>
    /// After a jump to itself: true when nothing can ever leave the loop, that is no interrupt is
    /// both enabled and able to become pending (privileged spec 3.1.9: in M-mode only with
    /// mstatus.MIE set; the CLINT's timer only once mtimecmp is armed; nothing else raises mip while
    /// the hart only jumps). A host that handles traps (the OS model) keeps its own clock and decides
    /// for itself, so this applies to bare-metal runs only.
    /// </summary>
    private bool SpinsForever()
    {
        if (_options.HostHandlesTraps) return false;
        bool globallyEnabled = _privilege < Privilege.Machine || (_mstatus & MstatusMie) != 0;
        if (!globallyEnabled) return true;
        if ((Mip & _mie) != 0) return false;
        return !(_clint is not null && (_mie & InterruptMti) != 0 && _clint.Mtimecmp != ulong.MaxValue);
    }

    /// <summary>
    /// Finishes a semihosting call the host has serviced: the ebreak retires and execution resumes
    /// at the "srai x0,x0,7" that follows it.
    /// </summary>
    public void CompleteSemihostingCall()
    {
        const uint Ebreak = 0x0010_0073;
        _tracer?.Retired(new RetiredInstruction(_pc, Ebreak, _privilege, 0, 0, []));
        _pc += 4;
        _retired++;
    }

    /// <summary>Time passing while the hart does nothing (an OS idle loop), counted in cycles.</summary>
    public void AddIdleCycles(ulong cycles) => _stallCycles += cycles;
}
