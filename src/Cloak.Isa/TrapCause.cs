namespace Cloak.Isa;

/// <summary>
/// mcause values (privileged spec, table 3.6). Interrupts have the top bit set.
/// </summary>
public enum TrapCause : ulong
{
    InstructionAddressMisaligned = 0,
    InstructionAccessFault = 1,
    IllegalInstruction = 2,
    Breakpoint = 3,
    LoadAddressMisaligned = 4,
    LoadAccessFault = 5,
    StoreAddressMisaligned = 6,
    StoreAccessFault = 7,
    EnvironmentCallFromUMode = 8,
    EnvironmentCallFromMMode = 11,
    InstructionPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,

    // Custom causes (the privileged spec reserves 24-31 for custom use).
    /// <summary>A protected line failed authentication on its way into the chip (authenticated mode); tval = the address.</summary>
    IntegrityFault = 24,
    /// <summary>A TRP instruction's operand lies outside the caller's protected memory (tval = the operand's address, which may be 0).</summary>
    TrpFault = 25,
    /// <summary>A TRP instruction other than trp.enter and trp.mode used outside encrypted execution mode (tval 0).</summary>
    TrpModeFault = 26,

    MachineSoftwareInterrupt = Trap.InterruptBit | 3,
    MachineTimerInterrupt = Trap.InterruptBit | 7,
    MachineExternalInterrupt = Trap.InterruptBit | 11,
}

/// <summary>A trap as a value (guest faults are frequent; they are not .NET exceptions).</summary>
public readonly record struct Trap(TrapCause Cause, ulong Tval)
{
    public const ulong InterruptBit = 1UL << 63;

    public bool IsInterrupt => ((ulong)Cause & InterruptBit) != 0;

    /// <summary>A sentence naming the cause, as the CLI reports an unhandled trap.</summary>
    public string Describe() => Cause switch
    {
        TrapCause.InstructionAddressMisaligned => "instruction address misaligned",
        TrapCause.InstructionAccessFault => "instruction access fault",
        TrapCause.IllegalInstruction => "illegal instruction",
        TrapCause.Breakpoint => "breakpoint",
        TrapCause.LoadAddressMisaligned => "load address misaligned",
        TrapCause.LoadAccessFault => "load access fault",
        TrapCause.StoreAddressMisaligned => "store/AMO address misaligned",
        TrapCause.StoreAccessFault => "store/AMO access fault",
        TrapCause.EnvironmentCallFromUMode => "environment call from U-mode",
        TrapCause.EnvironmentCallFromMMode => "environment call from M-mode",
        TrapCause.InstructionPageFault => "instruction page fault",
        TrapCause.LoadPageFault => "load page fault",
        TrapCause.StorePageFault => "store/AMO page fault",
        TrapCause.IntegrityFault => "integrity fault (protected memory failed authentication)",
        TrapCause.TrpFault => "TRP operand outside protected memory",
        TrapCause.TrpModeFault => "TRP instruction outside encrypted execution mode",
        TrapCause.MachineSoftwareInterrupt => "machine software interrupt",
        TrapCause.MachineTimerInterrupt => "machine timer interrupt",
        TrapCause.MachineExternalInterrupt => "machine external interrupt",
        _ => $"cause {(ulong)Cause}",
    };
}
