using Cloak.Chip.Bus;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;

namespace Cloak.Chip;

/// <summary>Why a user context stopped running.</summary>
public enum UserExit
{
    /// <summary>The context took a trap (ecall, fault or interrupt): see <see cref="UserRunResult.Trap"/>.</summary>
    Trap,
    /// <summary>The instruction budget ran out; the context resumes where it stopped.</summary>
    Budget,
    /// <summary>The chip refused to resume a sealed context: see <see cref="UserRunResult.Refusal"/>.</summary>
    Refused,
}

/// <summary>The result of <see cref="OsPort.RunUser"/>.</summary>
public readonly record struct UserRunResult(UserExit Exit, Trap Trap, long InstructionsRetired, ContextRefusal Refusal = ContextRefusal.None);

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
        hart.WriteCsr(Isa.CsrAddress.Satp, context.Satp);
        if (context.SealedState is { } sealedState)
        {
            // The chip restores a protected context itself, after checking it (SPEC R4).
            var protection = _processor.Protection ?? throw new InvalidOperationException("a sealed context needs a tamper-resistant chip");
            Span<ulong> registers = stackalloc ulong[32];
            var refusal = protection.Unseal(sealedState, context.Satp, registers, out ulong pc, out bool atEcall, out var state);
            if (refusal != ContextRefusal.None) return new UserRunResult(UserExit.Refused, default, 0, refusal);
            if (atEcall && context.SyscallCompleted)
            {
                registers[10] = context.SyscallResult;
                pc += 4;
            }
            context.SyscallCompleted = false;
            for (int r = 1; r < 32; r++) hart.SetRegister(r, registers[r]);
            registers.Clear();
            hart.Pc = pc;
            hart.Privilege = Privilege.User;
            hart.ActivateProtection(state);
        }
        else
        {
            for (int r = 1; r < 32; r++) hart.SetRegister(r, context.Registers[r]);
            hart.Pc = context.Pc;
            hart.Privilege = Privilege.User;
        }
        hart.WriteCsr(Isa.CsrAddress.Mie, Hart.InterruptMti);
        _processor.Clint.Mtimecmp = _processor.Clint.Mtime + Math.Max(1, timeSliceCycles / _processor.Clint.CyclesPerTick);

        var result = hart.Run(maxInstructions);

        _processor.Clint.Mtimecmp = ulong.MaxValue;
        bool trapped = result.Reason == StopReason.Trap;
        if (!trapped && result.Reason != StopReason.InstructionLimit)
            throw new InvalidOperationException($"a user context stopped for {result.Reason}, which a U-mode run cannot cause");
        ulong resumeAt = trapped ? hart.Mepc : hart.Pc;
        var trap = trapped ? hart.LastTrap!.Value : default;

        if (hart.ProtectedState is { } running)
        {
            // Seal the context; the OS sees only what a syscall needs: a0-a5 and a7 at an ecall.
            bool atEcall = trapped && trap.Cause == TrapCause.EnvironmentCallFromUMode;
            Span<ulong> registers = stackalloc ulong[32];
            for (int r = 1; r < 32; r++) registers[r] = hart.GetRegister(r);
            context.SealedState = _processor.Protection!.Seal(running, registers, resumeAt, atEcall);
            registers.Clear();
            for (int r = 1; r < 32; r++)
            {
                context.Registers[r] = atEcall && r is (>= 10 and <= 15) or 17 ? hart.GetRegister(r) : 0;
                hart.SetRegister(r, 0);
            }
            context.Pc = 0;
            hart.ActivateProtection(null);
            // An illegal instruction's mtval would be the protected instruction's bits: hide them.
            if (trap.Cause == TrapCause.IllegalInstruction) trap = trap with { Tval = 0 };
        }
        else
        {
            for (int r = 1; r < 32; r++) context.Registers[r] = hart.GetRegister(r);
            context.Pc = resumeAt;
        }
        hart.Privilege = Privilege.Machine;
        return trapped
            ? new UserRunResult(UserExit.Trap, trap, result.InstructionsRetired)
            : new UserRunResult(UserExit.Budget, default, result.InstructionsRetired);
    }

    /// <summary>Forgets a protected process's context when it ends, freeing its place in the chip's context table.</summary>
    public void ReleaseProtectedContext(UserContext context)
    {
        if (context.SealedState is { Length: >= 4 } blob && _processor.Protection is { } protection)
            protection.Release(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob));
        context.SealedState = null;
    }

    /// <summary>Off-chip integrity metadata (authenticated mode), which the OS hosts; null for a plain chip.</summary>
    public IntegrityMetadataStore? IntegrityMetadata => _processor.Protection?.Metadata;

    /// <summary>Drops cached translations after the OS changed page tables (sfence.vma).</summary>
    public void FlushTranslations() => _processor.Hart.FlushTlb();

    /// <summary>Lets simulated time pass with nothing running (all processes blocked).</summary>
    public void Idle(ulong cycles) => _processor.Hart.AddIdleCycles(cycles);
}
