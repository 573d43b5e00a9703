using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Trap entry and return and the privilege rules around them (privileged spec 3.1.6.1, 3.1.7,
/// 3.3): ecall and ebreak causes, the mstatus stack, mret, mtvec modes, and instructions that are
/// illegal below M-mode.
/// </summary>
public class TrapTests
{
    private const ulong Handler = TestMachine.CodeBase + 0x800;

    [Fact]
    public void Ecall_from_machine_mode_raises_cause_11_at_its_own_address()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi zero,zero,0", "ecall");
        m.RunExpectingTrap(TrapCause.EnvironmentCallFromMMode, tval: 0, epc: TestMachine.CodeBase + 4);
        Assert.Equal(3UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        Assert.Equal(1UL, m.Hart.InstructionsRetired); // ecall does not retire
    }

    [Fact]
    public void Ecall_from_user_mode_raises_cause_8_and_enters_machine_mode()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "ecall");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.EnvironmentCallFromUMode, tval: 0, epc: TestMachine.CodeBase);
        Assert.Equal(0UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        Assert.Equal(new Trap(TrapCause.EnvironmentCallFromUMode, 0), m.Hart.LastTrap);
    }

    [Fact]
    public void Ebreak_raises_a_breakpoint_with_zero_in_mtval_as_qemu_does()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "c.nop", "ebreak");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 2);
    }

    [Fact]
    public void Ebreak_in_user_mode_is_a_breakpoint_too()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "ebreak");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Trap_entry_stacks_mie_into_mpie_and_clears_mie(bool mieBefore)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, mieBefore ? Hart.MstatusMie : Hart.MstatusMpie);
        m.Load(TestMachine.CodeBase, "ecall");
        m.RunExpectingTrap(TrapCause.EnvironmentCallFromMMode);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMie);
        Assert.Equal(mieBefore, (m.Hart.Mstatus & Hart.MstatusMpie) != 0);
    }

    [Fact]
    public void Mret_to_user_mode_restores_mie_sets_mpie_clears_mpp_and_mprv()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMpie | Hart.MstatusMprv); // MPP = U, MIE = 0
        m.SetCsr(CsrAddress.Mepc, TestMachine.CodeBase + 0x100);
        m.Load(TestMachine.CodeBase, "mret");
        Assert.Equal(StopReason.InstructionLimit, m.Run(1).Reason);
        Assert.Equal(Privilege.User, m.Hart.Privilege);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 0x100), TestMachine.Hex(m.Pc));
        Assert.NotEqual(0UL, m.Hart.Mstatus & Hart.MstatusMie);
        Assert.NotEqual(0UL, m.Hart.Mstatus & Hart.MstatusMpie);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMpp);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMprv);
    }

    [Fact]
    public void Mret_to_machine_mode_keeps_mprv_and_leaves_mpp_at_user()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv | Hart.MstatusMpp); // MPP = M, MPIE = 0, MIE = 0
        m.SetCsr(CsrAddress.Mepc, TestMachine.CodeBase + 0x100);
        m.Load(TestMachine.CodeBase, "mret");
        m.Run(1);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMie);
        Assert.NotEqual(0UL, m.Hart.Mstatus & Hart.MstatusMpie);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMpp);
        Assert.NotEqual(0UL, m.Hart.Mstatus & Hart.MstatusMprv);
    }

    [Fact]
    public void A_guest_handler_returns_past_an_ecall_with_mret()
    {
        var m = new TestMachine(new HartOptions());
        m.SetCsr(CsrAddress.Mtvec, Handler);
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "ecall", "addi a0,a0,10", "csrrw zero,mtvec,zero", "ecall");
        m.Load(Handler,
            "addi a0,a0,100",
            "csrrs t0,mepc,zero",
            "addi t0,t0,4",
            "csrrw zero,mepc,t0",
            "mret");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal(111UL, m[Reg.A0]);
        m.ExpectTrap(TrapCause.EnvironmentCallFromMMode, epc: TestMachine.CodeBase + 16);
    }

    [Fact]
    public void A_user_program_returns_to_machine_mode_through_ecall_and_back_through_mret()
    {
        var m = new TestMachine(new HartOptions());
        const ulong user = TestMachine.CodeBase + 0x400;
        m.SetCsr(CsrAddress.Mtvec, Handler);
        m[Reg.T1] = user;
        m[Reg.T2] = TestMachine.CodeBase + 8;
        m.Load(TestMachine.CodeBase,
            "csrrw zero,mepc,t1",
            "mret",                 // MPP is U after reset's mstatus: enter user mode
            "csrrw zero,mtvec,zero",
            "ecall");
        m.Load(user, "addi a0,zero,5", "ecall");
        m.Load(Handler,
            "csrrs a1,mcause,zero",
            "csrrs a2,mstatus,zero",
            "addi t0,zero,3",
            "slli t0,t0,11",
            "csrrs zero,mstatus,t0", // MPP = M: return to machine mode
            "csrrw zero,mepc,t2",
            "mret");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal(5UL, m[Reg.A0]);
        Assert.Equal((ulong)TrapCause.EnvironmentCallFromUMode, m[Reg.A1]);
        Assert.Equal(0UL, m[Reg.A2] & Hart.MstatusMpp);
        m.ExpectTrap(TrapCause.EnvironmentCallFromMMode, epc: TestMachine.CodeBase + 12);
    }

    [Fact]
    public void Without_a_handler_a_trap_stops_the_run_as_unhandled()
    {
        var m = new TestMachine(new HartOptions());
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", ".4byte 0x0000000b");
        var result = m.Run();
        Assert.Equal(new RunResult(StopReason.UnhandledTrap, 1), result);
        m.ExpectTrap(TrapCause.IllegalInstruction, tval: 0xB, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void Direct_mode_sends_exceptions_and_interrupts_to_the_base()
    {
        var m = new TestMachine(new HartOptions());
        m.SetCsr(CsrAddress.Mtvec, Handler);
        LoadRecordingHandler(m, Handler);
        m.Load(TestMachine.CodeBase, "ebreak");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal((ulong)TrapCause.Breakpoint, m[Reg.S0]);

        var t = new TestMachine(new HartOptions());
        t.SetCsr(CsrAddress.Mtvec, Handler);
        LoadRecordingHandler(t, Handler);
        EnableTimer(t, mtimecmp: 1);
        t.Load(TestMachine.CodeBase, "loop:", "jal zero,loop");
        Assert.Equal(StopReason.UnhandledTrap, t.Run().Reason);
        Assert.Equal((ulong)TrapCause.MachineTimerInterrupt, t[Reg.S0]);
    }

    [Fact]
    public void Vectored_mode_sends_interrupts_to_base_plus_four_times_cause_and_exceptions_to_the_base()
    {
        var m = new TestMachine(new HartOptions());
        m.SetCsr(CsrAddress.Mtvec, Handler | 1);
        LoadVectorTable(m);
        EnableTimer(m, mtimecmp: 1);
        m.Load(TestMachine.CodeBase, "loop:", "jal zero,loop");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal(7UL, m[Reg.S1]); // the entry at base + 4 x 7 ran
        Assert.Equal((ulong)TrapCause.MachineTimerInterrupt, m[Reg.S0]);

        var e = new TestMachine(new HartOptions());
        e.SetCsr(CsrAddress.Mtvec, Handler | 1);
        LoadVectorTable(e);
        e.Load(TestMachine.CodeBase, "ecall");
        Assert.Equal(StopReason.UnhandledTrap, e.Run().Reason);
        Assert.Equal(0UL, e[Reg.S1]);
        Assert.Equal((ulong)TrapCause.EnvironmentCallFromMMode, e[Reg.S0]);

        var s = new TestMachine(new HartOptions());
        s.SetCsr(CsrAddress.Mtvec, Handler | 1);
        LoadVectorTable(s);
        s.SetCsr(CsrAddress.Mie, Hart.InterruptMsi);
        s.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        s.Clint.SoftwareInterruptPending = true;
        s.Load(TestMachine.CodeBase, "loop:", "jal zero,loop");
        Assert.Equal(StopReason.UnhandledTrap, s.Run().Reason);
        Assert.Equal(3UL, s[Reg.S1]);
    }

    /// <summary>At each vector entry: s1 = entry number, then a jump to a common tail that records mcause and stops.</summary>
    private static void LoadVectorTable(TestMachine m)
    {
        for (int i = 0; i < 12; i++)
            m.Load(Handler + 4 * (ulong)i, $"jal zero,{Handler + 0x100 + 8 * (ulong)i:x}");
        for (int i = 0; i < 12; i++)
            m.Load(Handler + 0x100 + 8 * (ulong)i, $"addi s1,zero,{i}", $"jal zero,{Handler + 0x200:x}");
        LoadRecordingHandler(m, Handler + 0x200);
    }

    /// <summary>Records mcause in s0, clears mtvec and ecalls, so the run stops as an unhandled trap.</summary>
    private static void LoadRecordingHandler(TestMachine m, ulong at) =>
        m.Load(at, "csrrs s0,mcause,zero", "csrrw zero,mtvec,zero", "ecall");

    private static void EnableTimer(TestMachine m, ulong mtimecmp)
    {
        m.Clint.Mtimecmp = mtimecmp;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
    }

    // ---- instructions that need M-mode ------------------------------------------------------------

    [Fact]
    public void Mret_in_user_mode_is_illegal()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "mret");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: 0x3020_0073, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void Sfence_vma_in_user_mode_is_illegal_and_legal_in_machine_mode()
    {
        var u = new TestMachine();
        u.Load(TestMachine.CodeBase, "sfence.vma a0,a1");
        u.EnterUserMode(TestMachine.CodeBase);
        u.RunExpectingTrap(TrapCause.IllegalInstruction, tval: TestMachine.Encode("sfence.vma a0,a1"), epc: TestMachine.CodeBase);

        var m = new TestMachine();
        m.Execute("sfence.vma", "sfence.vma a0,a1");
        Assert.Equal(2UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void Wfi_in_user_mode_with_tw_set_is_illegal()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusTw);
        m.Load(TestMachine.CodeBase, "wfi");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: 0x1050_0073, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void Wfi_in_user_mode_without_tw_is_allowed()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "wfi");
        m.EnterUserMode(TestMachine.CodeBase);
        // Nothing can wake the hart, so the run stops; wfi itself retired without a trap.
        Assert.Equal(new RunResult(StopReason.WaitingForever, 1), m.Run());
        Assert.Equal(TestMachine.CodeBase + 4, m.Pc);
        Assert.Equal(Privilege.User, m.Hart.Privilege);
        Assert.Null(m.Hart.LastTrap);
    }

    [Fact]
    public void Wfi_with_tw_set_is_legal_in_machine_mode()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusTw);
        m.Clint.SoftwareInterruptPending = true;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMsi);
        m.Execute("wfi");
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void The_host_can_return_from_a_trap_like_mret()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "ecall");
        m.Load(TestMachine.CodeBase + 0x100, "addi a0,zero,3", "ecall");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.EnvironmentCallFromUMode);
        m.SetCsr(CsrAddress.Mepc, TestMachine.CodeBase + 0x100);
        m.Hart.ReturnFromTrap();
        Assert.Equal(Privilege.User, m.Hart.Privilege);
        Assert.Equal(TestMachine.CodeBase + 0x100, m.Pc);
        m.RunExpectingTrap(TrapCause.EnvironmentCallFromUMode, epc: TestMachine.CodeBase + 0x104);
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void Traps_taken_and_last_trap_are_recorded()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "ebreak");
        m.RunExpectingTrap(TrapCause.Breakpoint);
        Assert.Equal(1UL, m.Hart.TrapsTaken);
        Assert.Equal(new Trap(TrapCause.Breakpoint, 0), m.Hart.LastTrap);
    }

    // Bug: in Hart.Run only retired instructions count against the budget, so a trap loop that
    // retires nothing (mtvec at nothing, or at zeroed memory: a common bare-metal failure) never returns.
    [Theory]
    [InlineData(0x1000UL, TrapCause.InstructionAccessFault)]                 // mtvec at no memory
    [InlineData(TestMachine.CodeBase + 0x800, TrapCause.IllegalInstruction)] // mtvec at zeroed DRAM
    public async Task A_trap_loop_that_retires_nothing_still_returns_from_run(ulong mtvec, TrapCause cause)
    {
        var m = new TestMachine(new HartOptions());
        m.SetCsr(CsrAddress.Mtvec, mtvec);
        m.Load(TestMachine.CodeBase, "ecall");
        var run = Task.Run(() => m.Run(1000));
        var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(first == run, "Run(1000) did not return within 5 s");
        m.ExpectTrap(cause, epc: mtvec);
    }
}
