using Cloak.Chip.Cpu;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip;

/// <summary>
/// The chip's side of the <see cref="OsPort"/>: the only object an operating system model gets
/// from a <see cref="Processor"/>. Internal, so nothing that holds the port can cast it back to
/// the processor behind it.
/// </summary>
internal sealed class ChipPort : OsPort
{
    private readonly Processor _processor;

    public ChipPort(Processor processor)
    {
        _processor = processor;
        if (processor.Options.Hart.HostHandlesTraps) OpenMemoryToUserMode(processor.Hart);
    }

    /// <summary>
    /// What the OS model's boot code does before it runs anything in U-mode, as firmware such as
    /// OpenSBI does: PMP's last entry covers all physical memory with R, W and X. Without it every
    /// U-mode access would fail (privileged spec 3.7.1: with PMP entries implemented, an access no
    /// entry matches fails below M-mode). The page tables then decide what a process reaches. The
    /// entry is not locked, so it does not bind the kernel (M-mode) and lower entries may narrow it.
    /// </summary>
    private static void OpenMemoryToUserMode(Hart hart)
    {
        const int LastEntry = PhysicalMemoryProtection.Entries - 1;
        const ulong Napot = 3 << 3;
        hart.WriteCsr(Isa.CsrAddress.Pmpaddr0 + LastEntry, PhysicalMemoryProtection.AddressMask); // NAPOT of all ones: everything
        int register = LastEntry / 8 * 2, shift = LastEntry % 8 * 8;
        ulong config = hart.ReadCsr(Isa.CsrAddress.Pmpcfg0 + register);
        config = (config & ~(0xFFUL << shift)) | (Napot | (ulong)PmpRights.All) << shift;
        hart.WriteCsr(Isa.CsrAddress.Pmpcfg0 + register, config);
    }

    public override Dram Memory => _processor.Dram;

    public override ulong Cycles => _processor.Hart.Cycles;

    public override ulong ClockHz => _processor.ClockHz;

    public override bool IsTamperResistant => _processor.IsTamperResistant;

    public override UserRunResult RunUser(UserContext context, ulong timeSliceCycles, long maxInstructions)
    {
        var hart = _processor.Hart;
        hart.WriteCsr(Isa.CsrAddress.Satp, context.Satp);
        if (context.SealedState is { } sealedState)
        {
            // The chip restores a protected context itself, after checking it (SPEC R4).
            var protection = _processor.Protection ?? throw new InvalidOperationException("a sealed context needs a tamper-resistant chip");
            Span<ulong> registers = stackalloc ulong[32];
            var refusal = protection.Unseal(sealedState, context.Satp, registers, out ulong pc, out bool atEcall, out var state);
            if (refusal != ContextRefusal.None)
            {
                _processor.Observer?.ContextRefused(sealedState.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sealedState) : 0, refusal);
                return new UserRunResult(UserExit.Refused, default, 0, refusal);
            }
            _processor.Observer?.ContextResumed(state!.ContextId);
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
        ulong resumeAt = trapped ? hart.MepcOnChip : hart.PcOnChip;
        var trap = trapped ? hart.LastTrapOnChip!.Value : default;

        if (hart.ProtectedState is { } running)
        {
            // Seal the context; the OS sees only what a syscall needs: a0-a5 and a7 at an ecall.
            bool atEcall = trapped && trap.Cause == TrapCause.EnvironmentCallFromUMode;
            Span<ulong> registers = stackalloc ulong[32];
            for (int r = 1; r < 32; r++) registers[r] = hart.ReadRegisterOnChip(r);
            context.SealedState = _processor.Protection!.Seal(running, registers, resumeAt, atEcall);
            _processor.Observer?.ContextSealed(running.ContextId, atEcall);
            registers.Clear();
            for (int r = 1; r < 32; r++)
            {
                context.Registers[r] = atEcall && r is (>= 10 and <= 15) or 17 ? hart.ReadRegisterOnChip(r) : 0;
                hart.WriteRegisterOnChip(r, 0);
            }
            context.Pc = 0;
            hart.ActivateProtection(null);
            // mepc holds the protected pc and mtval may hold its instruction bits: the chip clears both.
            hart.ScrubTrapState();
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

    public override void ReleaseProtectedContext(UserContext context)
    {
        if (context.SealedState is { Length: >= 4 } blob && _processor.Protection is { } protection)
        {
            uint contextId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob);
            // Bound to the address space as resuming is: a copy of another process's sealed context
            // (an OS that duplicated a process) names that process's id, and ending the copy must not
            // make the chip forget the original (examples/adversaries/duplicate.cs).
            if (protection.Contexts.Find(contextId) is { } entry && entry.Satp == context.Satp)
            {
                protection.Release(contextId);
                _processor.Observer?.ContextReleased(contextId);
            }
        }
        context.SealedState = null;
    }

    public override IntegrityMetadataStore? IntegrityMetadata =>
        _processor.Protection is { Encryption.Mode: Security.MemoryProtectionMode.Authenticated } protection ? protection.Metadata : null;

    public override void FlushTranslations() => _processor.Hart.FlushTlb();

    public override void Idle(ulong cycles) => _processor.Hart.AddIdleCycles(cycles);

    public override bool AttachBusTap(IBusTap tap)
    {
        if (_processor.BusInterface is not { } bus) return false;
        bus.Attach(tap);
        return true;
    }

    public override void DetachBusTap(IBusTap tap) => _processor.BusInterface?.Detach(tap);
}
