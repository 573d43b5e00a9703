using Cloak.Chip.Bus;
using Cloak.Chip.Cpu;

namespace Cloak.Chip;

/// <summary>Why a user context stopped running.</summary>
public enum UserExit
{
    /// <summary>The context took a trap (ecall, fault or interrupt): see <see cref="UserRunResult.Trap"/>.</summary>
    Trap,
    /// <summary>The instruction budget ran out; the context resumes where it stopped.</summary>
    Budget,
}

/// <summary>The result of <see cref="OsPort.RunUser"/>.</summary>
public readonly record struct UserRunResult(UserExit Exit, Trap Trap, long InstructionsRetired);

/// <summary>
/// The narrow port between an operating system and the chip (STYLE.md: "the OS is a client of the
/// hardware"). Through it an OS can run a user context in U-mode until it traps, program the timer
/// that preempts it, flush translations after changing page tables, let idle time pass, and read or
/// write DRAM as any bus master could. It cannot reach the hart's internals: registers cross the
/// port only as a <see cref="UserContext"/> the port fills on every trap.
/// </summary>
public sealed class OsPort
{
    private readonly Processor _processor;

    internal OsPort(Processor processor) => _processor = processor;

    /// <summary>Physical memory, exactly as it is outside the chip.</summary>
    public Dram Memory => _processor.Dram;

    /// <summary>Simulated cycles since reset.</summary>
    public ulong Cycles => _processor.Hart.Cycles;

    public ulong ClockHz => _processor.ClockHz;

    /// <summary>Nanoseconds of simulated time since reset.</summary>
    public ulong NowNanoseconds => (ulong)((UInt128)Cycles * 1_000_000_000 / ClockHz);

    public ulong CyclesFromNanoseconds(ulong nanoseconds) => (ulong)((UInt128)nanoseconds * ClockHz / 1_000_000_000);

    /// <summary>
    /// Runs <paramref name="context"/> in U-mode under its satp until it traps, it has run
    /// <paramref name="timeSliceCycles"/> cycles (a timer interrupt: the trap reports it), or
    /// <paramref name="maxInstructions"/> retire. On return the context holds the registers and the
    /// pc to resume at (for a trap, the pc of the trapping instruction, i.e. mepc).
    /// </summary>
    public UserRunResult RunUser(UserContext context, ulong timeSliceCycles, long maxInstructions)
    {
        var hart = _processor.Hart;
        for (int r = 1; r < 32; r++) hart.SetRegister(r, context.Registers[r]);
        hart.WriteCsr(Isa.CsrAddress.Satp, context.Satp);
        hart.WriteCsr(Isa.CsrAddress.Mie, Hart.InterruptMti);
        _processor.Clint.Mtimecmp = _processor.Clint.Mtime + Math.Max(1, timeSliceCycles / _processor.Clint.CyclesPerTick);
        hart.Privilege = Privilege.User;
        hart.Pc = context.Pc;

        var result = hart.Run(maxInstructions);

        for (int r = 1; r < 32; r++) context.Registers[r] = hart.GetRegister(r);
        _processor.Clint.Mtimecmp = ulong.MaxValue;
        if (result.Reason == StopReason.Trap)
        {
            context.Pc = hart.Mepc;
            hart.Privilege = Privilege.Machine;
            return new UserRunResult(UserExit.Trap, hart.LastTrap!.Value, result.InstructionsRetired);
        }
        if (result.Reason != StopReason.InstructionLimit)
            throw new InvalidOperationException($"a user context stopped for {result.Reason}, which a U-mode run cannot cause");
        context.Pc = hart.Pc;
        hart.Privilege = Privilege.Machine;
        return new UserRunResult(UserExit.Budget, default, result.InstructionsRetired);
    }

    /// <summary>Drops cached translations after the OS changed page tables (sfence.vma).</summary>
    public void FlushTranslations() => _processor.Hart.FlushTlb();

    /// <summary>Lets simulated time pass with nothing running (all processes blocked).</summary>
    public void Idle(ulong cycles) => _processor.Hart.AddIdleCycles(cycles);
}
