using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Tests;

/// <summary>
/// Machine timer and software interrupts from the CLINT (privileged spec 3.1.9, 3.2.1) and wfi
/// (3.3.3). mtime is cycles / CyclesPerTimerTick (10 here), so "exactly when mtime reaches
/// mtimecmp" means exactly at cycle 10 x mtimecmp: one cycle per retired instruction.
/// </summary>
public class InterruptTests
{
    private const ulong Mtimecmp = TestMachine.ClintBase + Clint.MtimecmpOffset;
    private const ulong Mtime = TestMachine.ClintBase + Clint.MtimeOffset;
    private const ulong Msip = TestMachine.ClintBase + Clint.MsipOffset;

    private static string[] Counting(int count) => [.. Enumerable.Repeat("addi a0,a0,1", count)];

    private static void EnableTimer(TestMachine m, ulong mtimecmp, bool globally = true)
    {
        m.Clint.Mtimecmp = mtimecmp;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        if (globally) m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
    }

    [Fact]
    public void The_timer_interrupt_fires_on_the_cycle_mtime_reaches_mtimecmp()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 5);
        m.Load(TestMachine.CodeBase, Counting(100));
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, tval: 0, epc: TestMachine.CodeBase + 4 * 50);
        Assert.Equal(50UL, m[Reg.A0]);
        Assert.Equal(5UL, m.Clint.Mtime);
        Assert.Equal(50UL, m.Hart.Cycles);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        Assert.Equal(3UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
        Assert.NotEqual(0UL, m.Hart.Mstatus & Hart.MstatusMpie);
        Assert.Equal(0UL, m.Hart.Mstatus & Hart.MstatusMie);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    public void The_timer_interrupt_fires_on_time_when_the_host_splits_the_run_on_a_tick_boundary(int firstRun) =>
        The_timer_interrupt_fires_on_time_when_the_host_splits_the_run_mid_tick(firstRun);

    // Bug: Clint.CyclesUntilTimer counts whole ticks from the floored mtime, ignoring the cycles
    // already spent in the current tick, so a slice that starts mid-tick overshoots by cycles % tick.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(47)]
    public void The_timer_interrupt_fires_on_time_when_the_host_splits_the_run_mid_tick(int firstRun)
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 5);
        m.Load(TestMachine.CodeBase, Counting(100));
        Assert.Equal(StopReason.InstructionLimit, m.Run(firstRun).Reason);
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 4 * 50);
        Assert.Equal(50UL, m[Reg.A0]);
    }

    [Fact]
    public void The_timer_interrupt_fires_on_time_when_the_guest_enables_it_mid_tick()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 5;
        m[Reg.T0] = Hart.InterruptMti;
        m.Load(TestMachine.CodeBase, ["csrrs zero,mie,t0", "csrrsi zero,mstatus,8", .. Counting(100)]);
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt);
        Assert.Equal(50UL, m.Hart.InstructionsRetired);
        Assert.Equal(48UL, m[Reg.A0]);
    }

    [Fact]
    public void The_timer_interrupt_is_not_taken_while_mtie_is_clear()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 1;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        m.Execute(Counting(40));
        Assert.Equal(40UL, m[Reg.A0]);
    }

    [Fact]
    public void The_timer_interrupt_is_not_taken_in_machine_mode_while_mie_is_clear()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 1, globally: false);
        m.Execute(Counting(40));
        Assert.Equal(40UL, m[Reg.A0]);
        Assert.NotEqual(0UL, m.Csr(CsrAddress.Mip) & Hart.InterruptMti);
    }

    [Fact]
    public void A_pending_timer_interrupt_is_taken_as_soon_as_mie_is_set()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 1, globally: false);
        m.Load(TestMachine.CodeBase, [.. Counting(20), "csrrsi zero,mstatus,8", .. Counting(20)]);
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 4 * 21);
        Assert.Equal(20UL, m[Reg.A0]);
    }

    [Fact]
    public void The_timer_interrupt_is_taken_in_user_mode_regardless_of_mie()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 2, globally: false);
        m.Load(TestMachine.CodeBase, Counting(100));
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 4 * 20);
        Assert.Equal(0UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
    }

    [Fact]
    public void A_pending_interrupt_is_taken_right_after_mret_drops_to_user_mode()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 0, globally: false);
        m.SetCsr(CsrAddress.Mepc, TestMachine.CodeBase + 0x100);
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "mret");
        m.Load(TestMachine.CodeBase + 0x100, "addi a0,zero,2", "ecall");
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 0x100);
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(0UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
    }

    [Fact]
    public void The_guest_programs_the_timer_through_the_clint()
    {
        var m = new TestMachine();
        m[Reg.T0] = Mtimecmp;
        m[Reg.T1] = 20;
        m[Reg.T2] = Hart.InterruptMti;
        m.Load(TestMachine.CodeBase,
            ["sd t1,0(t0)", "ld a1,0(t0)", "csrrs zero,mie,t2", "csrrsi zero,mstatus,8", "loop:", "jal zero,loop"]);
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt);
        Assert.Equal(20UL, m[Reg.A1]);
        Assert.Equal(20UL, m.Clint.Mtimecmp);
        Assert.Equal(20UL, m.Clint.Mtime);
    }

    [Fact]
    public void The_guest_reads_mtime_and_time_as_cycles_divided_by_the_tick()
    {
        var m = new TestMachine();
        m[Reg.T0] = Mtime;
        m.Execute([.. Counting(25), "ld a1,0(t0)", "csrrs a2,time,zero", "lw a3,0(t0)", "lw a4,4(t0)"]);
        Assert.Equal(2UL, m[Reg.A1]);
        Assert.Equal(2UL, m[Reg.A2]);
        Assert.Equal(2UL, m[Reg.A3]);
        Assert.Equal(0UL, m[Reg.A4]);
    }

    [Fact]
    public void The_guest_can_set_mtime()
    {
        var m = new TestMachine();
        m[Reg.T0] = Mtime;
        m[Reg.T1] = 1000;
        m.Execute([.. Counting(12), "sd t1,0(t0)", .. Counting(20), "ld a1,0(t0)"]);
        // Written at cycle 13 (one tick boundary later at 20, two at 30) and read at cycle 33.
        Assert.InRange(m[Reg.A1], 1001UL, 1003UL);
    }

    [Fact]
    public void A_software_interrupt_is_raised_by_writing_msip()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMsi);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        m[Reg.T0] = Msip;
        m[Reg.T1] = 1;
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "sw t1,0(t0)", "addi a0,zero,2", "ecall");
        m.RunExpectingTrap(TrapCause.MachineSoftwareInterrupt, tval: 0, epc: TestMachine.CodeBase + 8);
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.True(m.Clint.SoftwareInterruptPending);
    }

    [Fact]
    public void Clearing_msip_withdraws_the_software_interrupt()
    {
        var m = new TestMachine();
        m.Clint.SoftwareInterruptPending = true;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMsi);
        m[Reg.T0] = Msip;
        m.Execute("lw a1,0(t0)", "sw zero,0(t0)", "csrrs a2,mip,zero", "csrrsi zero,mstatus,8", "lw a3,0(t0)");
        Assert.Equal(1UL, m[Reg.A1]);
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(0UL, m[Reg.A3]);
    }

    [Fact]
    public void A_software_interrupt_is_taken_before_a_timer_interrupt()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 0;
        m.Clint.SoftwareInterruptPending = true;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti | Hart.InterruptMsi);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        m.Load(TestMachine.CodeBase, "ecall");
        m.RunExpectingTrap(TrapCause.MachineSoftwareInterrupt, epc: TestMachine.CodeBase);
    }

    // ---- wfi ------------------------------------------------------------------------------------

    [Fact]
    public void Wfi_with_a_pending_enabled_interrupt_goes_on_even_if_interrupts_are_globally_off()
    {
        var m = new TestMachine();
        m.Clint.SoftwareInterruptPending = true;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMsi);
        m.Execute("wfi", "addi a0,zero,1");
        Assert.Equal(1UL, m[Reg.A0]);
    }

    [Fact]
    public void Wfi_with_an_armed_timer_lets_time_pass_until_it_fires()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 1000);
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "wfi", "addi a0,zero,2", "ecall");
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 8);
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(1000UL, m.Clint.Mtime);
        Assert.Equal(2UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void Wfi_skips_exactly_to_the_cycle_the_timer_fires()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 1000);
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "addi a0,zero,1", "wfi", "csrrs a1,mcycle,zero");
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 12);
        Assert.Equal(10_000UL, m.Hart.Cycles);
    }

    [Fact]
    public void Wfi_with_the_timer_enabled_only_in_mie_wakes_without_trapping()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: 300, globally: false);
        m.Execute("wfi", "addi a0,zero,1");
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.True(m.Clint.Mtime >= 300);
    }

    [Fact]
    public void Wfi_with_nothing_enabled_stops_the_run_waiting_forever()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 5;
        m.Load(TestMachine.CodeBase, "wfi", "ecall");
        Assert.Equal(new RunResult(StopReason.WaitingForever, 1), m.Run());
        Assert.Equal(TestMachine.CodeBase + 4, m.Pc);
    }

    [Fact]
    public void Wfi_with_the_timer_enabled_but_never_armed_waits_forever()
    {
        var m = new TestMachine();
        EnableTimer(m, mtimecmp: ulong.MaxValue);
        m.Load(TestMachine.CodeBase, "wfi", "ecall");
        Assert.Equal(StopReason.WaitingForever, m.Run().Reason);
    }

    [Fact]
    public void A_machine_without_a_clint_still_counts_time_in_cycles()
    {
        var dram = new Dram(TestMachine.RamBase, 0x1_0000);
        var hart = new Hart(new Cloak.Chip.Bus.SystemBus(dram), null, TestMachine.DefaultOptions);
        dram.Write(TestMachine.RamBase, TestMachine.Assemble(TestMachine.RamBase, [.. Counting(30), "csrrs a1,time,zero", "wfi"]));
        hart.Pc = TestMachine.RamBase;
        Assert.Equal(StopReason.WaitingForever, hart.Run(1000).Reason);
        Assert.Equal(3UL, hart.GetRegister(Reg.A1));
    }

    [Fact]
    public void An_interrupt_enabled_by_mrets_mie_restore_is_taken_at_the_return_address()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 0;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMpie | Hart.MstatusMpp); // back to M with MIE = 1
        m.SetCsr(CsrAddress.Mepc, TestMachine.CodeBase + 0x100);
        m.Load(TestMachine.CodeBase, "mret");
        m.Load(TestMachine.CodeBase + 0x100, "ecall");
        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase + 0x100);
        Assert.Equal(3UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
    }

    [Fact]
    public void Mtimecmp_can_be_written_as_two_32_bit_halves()
    {
        var m = new TestMachine();
        m[Reg.T0] = Mtimecmp;
        m[Reg.T1] = 0x1234_5678;
        m[Reg.T2] = 0x9;
        m.Execute("sw t1,0(t0)", "sw t2,4(t0)", "lw a0,4(t0)", "lwu a1,0(t0)", "ld a2,0(t0)");
        Assert.Equal(0x9_1234_5678UL, m.Clint.Mtimecmp);
        Assert.Equal(9UL, m[Reg.A0]);
        Assert.Equal(0x1234_5678UL, m[Reg.A1]);
        Assert.Equal(0x9_1234_5678UL, m[Reg.A2]);
    }

    // Found by fuzzing (docs/reliability.md, fuzz/corpora/elf/crash-interrupt-without-handler.elf): an
    // interrupt taken with no handler on bare metal stopped the run as a host-handled trap, and the
    // bare-metal machine threw "unexpected stop Trap" (an internal error) instead of reporting the fault.

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_interrupt_with_no_handler_installed_on_bare_metal_stops_the_run_as_an_unhandled_trap(bool traced)
    {
        var m = new TestMachine(new HartOptions { HostHandlesTraps = false });
        if (traced) m.Hart.Tracer = new CountingTracer();
        EnableTimer(m, mtimecmp: 5);
        m.Load(TestMachine.CodeBase, Counting(100));

        var result = m.Run();

        Assert.Equal(StopReason.UnhandledTrap, result.Reason);
        Assert.Equal(TrapCause.MachineTimerInterrupt, m.Hart.LastTrap?.Cause);
    }

    private sealed class CountingTracer : IInstructionTracer
    {
        public int Events { get; private set; }
        public void Retired(in RetiredInstruction instruction) => Events++;
        public void TrapTaken(Trap trap, ulong pc) => Events++;
    }
}
