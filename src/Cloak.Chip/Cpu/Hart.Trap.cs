using Cloak.Isa;
namespace Cloak.Chip.Cpu;

/// <summary>
/// Trap entry and return (privileged spec 3.1.6.1, 3.1.7, 3.3.2) and interrupt selection (3.1.9).
/// All traps go to M-mode: there is no S-mode to delegate to.
/// </summary>
public sealed unsafe partial class Hart
{
    private Trap? _lastTrap;

    /// <summary>The most recent trap taken, for hosts and diagnostics (an illegal instruction's bits hidden while a protected context runs).</summary>
    public Trap? LastTrap
    {
        get => _protectedState is not null && _lastTrap is { Cause: TrapCause.IllegalInstruction } t ? t with { Tval = 0 } : _lastTrap;
        private set => _lastTrap = value;
    }

    /// <summary>The chip's own view of the last trap.</summary>
    internal Trap? LastTrapOnChip => _lastTrap;

    /// <summary>Traps taken since reset, exceptions and interrupts.</summary>
    public ulong TrapsTaken { get; private set; }

    /// <summary>
    /// Enters M-mode for <paramref name="trap"/> with <see cref="_pc"/> as the interrupted or faulting pc:
    /// saves pc to mepc, the cause and tval, stacks MIE into MPIE and the privilege into MPP, then jumps
    /// to mtvec (base + 4 x cause for interrupts in vectored mode).
    /// </summary>
    public void TakeTrap(Trap trap)
    {
        _mepc = _pc;
        _mcause = (ulong)trap.Cause;
        _mtval = trap.Tval;
        ulong mie = (_mstatus & MstatusMie) != 0 ? MstatusMpie : 0;
        _mstatus = (_mstatus & ~(MstatusMpie | MstatusMie | MstatusMpp)) | mie | (ulong)_privilege << MstatusMppShift;
        // With MPRV set, a new MPP changes the privilege loads and stores run at: drop their translations.
        if ((_mstatus & MstatusMprv) != 0) FlushDataTlb();
        Privilege = Privilege.Machine;
        // A trap breaks any LR/SC sequence (an implementation may clear the reservation here).
        _reservationValid = false;
        ulong mtvecBase = _mtvec & ~3UL;
        bool vectored = (_mtvec & 3) == 1 && trap.IsInterrupt;
        _pc = vectored ? mtvecBase + 4 * ((ulong)trap.Cause & ~Trap.InterruptBit) : mtvecBase;
        LastTrap = trap;
        TrapsTaken++;
    }

    /// <summary>
    /// mret: privilege from MPP, MIE from MPIE, MPIE set, MPP to U, MPRV cleared when leaving M-mode.
    /// Returns the new pc (mepc). Hosts that handle traps call <see cref="ReturnFromTrap"/>.
    /// </summary>
    private ulong ReturnFromMachineTrap()
    {
        var target = (Privilege)((_mstatus & MstatusMpp) >> MstatusMppShift);
        ulong mie = (_mstatus & MstatusMpie) != 0 ? MstatusMie : 0;
        _mstatus = (_mstatus & ~(MstatusMie | MstatusMpp)) | mie | MstatusMpie;
        if (target != Privilege.Machine) _mstatus &= ~MstatusMprv;
        Privilege = target;
        FlushDataTlb();
        _pc = _mepc;
        return _mepc;
    }

    /// <summary>Clears mepc and mtval after a protected context's trap has been sealed away (they held its pc and possibly its instruction bits).</summary>
    internal void ScrubTrapState()
    {
        _mepc = _mtval = 0;
        if (_lastTrap is { Cause: TrapCause.IllegalInstruction } last) _lastTrap = last with { Tval = 0 };
    }

    /// <summary>Executes the effect of mret on behalf of a host trap handler (the OS model).</summary>
    public void ReturnFromTrap() => ReturnFromMachineTrap();

    /// <summary>The interrupt to take now, if any: pending, enabled in mie and globally enabled.</summary>
    private TrapCause? PendingInterrupt()
    {
        ulong pending = Mip & _mie;
        if (pending == 0) return null;
        bool globallyEnabled = _privilege < Privilege.Machine || (_mstatus & MstatusMie) != 0;
        if (!globallyEnabled) return null;
        // Priority: external, software, timer (privileged spec 3.1.9).
        if ((pending & InterruptMei) != 0) return TrapCause.MachineExternalInterrupt;
        if ((pending & InterruptMsi) != 0) return TrapCause.MachineSoftwareInterrupt;
        return TrapCause.MachineTimerInterrupt;
    }

    /// <summary>
    /// The RISC-V semihosting call is an uncompressed ebreak between "slli x0,x0,0x1f" and
    /// "srai x0,x0,7" (RISC-V semihosting spec, 2.2), honoured in M-mode only.
    /// </summary>
    private bool IsSemihostingCall(ulong pc)
    {
        const uint EntryNop = 0x01F0_1013, ExitNop = 0x4070_5013;
        if (!_options.Semihosting || _privilege != Privilege.Machine || pc < 4) return false;
        var saved = _pendingTrap;
        bool match = TryFetchInstruction(pc - 4, out uint before) && before == EntryNop &&
                     TryFetchInstruction(pc + 4, out uint after) && after == ExitNop;
        _pendingTrap = saved;
        return match;
    }
}
