using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Tests;

/// <summary>
/// The hart's host-facing API: run budgets, reset, options, counters and the CLINT's own rules.
/// </summary>
public class HartTests
{
    [Fact]
    public void Run_retires_exactly_the_budget_and_stops_at_the_next_instruction()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, [.. Enumerable.Repeat("addi a0,a0,1", 10), "ecall"]);
        Assert.Equal(new RunResult(StopReason.InstructionLimit, 4), m.Run(4));
        Assert.Equal(TestMachine.CodeBase + 16, m.Pc);
        Assert.Equal(4UL, m[Reg.A0]);
        Assert.Equal(new RunResult(StopReason.Trap, 6), m.Run(100));
        Assert.Equal(10UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void Run_with_a_zero_budget_does_nothing()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi a0,a0,1");
        Assert.Equal(new RunResult(StopReason.InstructionLimit, 0), m.Run(0));
        Assert.Equal(TestMachine.CodeBase, m.Pc);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Run(-1));
    }

    [Fact]
    public void A_long_loop_runs_across_many_slices()
    {
        var m = new TestMachine();
        m[Reg.A1] = 3_000_000;
        m.Load(TestMachine.CodeBase, "loop:", "addi a0,a0,1", "bne a0,a1,loop", "ecall");
        m.RunToEcall(maxInstructions: 10_000_000);
        Assert.Equal(3_000_000UL, m[Reg.A0]);
        Assert.Equal(6_000_000UL, m.Hart.InstructionsRetired);
        Assert.Equal(6_000_000UL, m.Hart.Cycles);
    }

    [Fact]
    public void The_pc_setter_keeps_halfword_alignment()
    {
        var m = new TestMachine();
        m.Pc = TestMachine.CodeBase + 7;
        Assert.Equal(TestMachine.CodeBase + 6, m.Pc);
    }

    [Fact]
    public void Reset_restores_the_architectural_reset_state()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "lr.d a2,(a1)", "ecall");
        m.RunToEcall();
        m.SetCsr(CsrAddress.Mtvec, TestMachine.CodeBase + 0x100);
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mscratch, 5);
        m.SetCsr(CsrAddress.Mcounteren, 7);
        m.SetCsr(CsrAddress.Satp, Sv39.MakeSatp(0x80080));
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie | Hart.MstatusMprv | Hart.MstatusTw);
        m.EnterUserMode(TestMachine.CodeBase);

        m.Hart.Reset(TestMachine.CodeBase + 0x40);

        Assert.Equal(TestMachine.CodeBase + 0x40, m.Pc);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        for (int r = 0; r < 32; r++) Assert.Equal(0UL, m.Hart.GetRegister(r));
        Assert.Equal(Hart.MstatusUxl64, m.Csr(CsrAddress.Mstatus));
        foreach (int csr in new[] { CsrAddress.Mtvec, CsrAddress.Mie, CsrAddress.Mscratch, CsrAddress.Mcounteren, CsrAddress.Satp,
                                    CsrAddress.Mepc, CsrAddress.Mcause, CsrAddress.Mtval, CsrAddress.Minstret, CsrAddress.Mcycle })
            Assert.True(m.Csr(csr) == 0, $"{CsrAddress.Name(csr)} is 0x{m.Csr(csr):x} after reset");
        Assert.Null(m.Hart.LastTrap);
        Assert.Equal(0UL, m.Hart.InstructionsRetired);
        Assert.Equal(0UL, m.Hart.Cycles);
    }

    [Fact]
    public void Reset_drops_the_load_reservation()
    {
        var m = new TestMachine();
        m.WriteU64(TestMachine.DataBase, 7);
        m.Load(TestMachine.CodeBase, "lr.d a0,(a1)");
        m.Load(TestMachine.CodeBase + 0x40, "sc.d a2,a3,(a1)", "ecall");
        m[Reg.A1] = TestMachine.DataBase;
        m.Run(1);
        m.Hart.Reset(TestMachine.CodeBase + 0x40);
        m[Reg.A1] = TestMachine.DataBase;
        m[Reg.A3] = 8;
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A2]);
        Assert.Equal(7UL, m.ReadU64(TestMachine.DataBase));
    }

    [Fact]
    public void Reset_then_run_executes_current_memory()
    {
        var m = new TestMachine();
        m.Execute("addi a0,zero,1");
        m.Load(TestMachine.CodeBase, "addi a0,zero,2", "ecall");
        m.Hart.Reset(TestMachine.CodeBase);
        m.RunToEcall();
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void Lr_sc_statistics_count_reservations_and_failures()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m.Execute("lr.d a0,(a1)", "sc.d a2,a3,(a1)", "sc.d a2,a3,(a1)", "lr.w a0,(a1)");
        Assert.Equal(2UL, m.Hart.LoadReservations);
        Assert.Equal(1UL, m.Hart.StoreConditionalFailures);
    }

    [Fact]
    public void Cycles_per_timer_tick_sets_the_timebase()
    {
        var m = new TestMachine(TestMachine.DefaultOptions with { CyclesPerTimerTick = 1 });
        m.Execute("addi zero,zero,0", "addi zero,zero,0", "csrrs a0,time,zero");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestMachine(TestMachine.DefaultOptions with { CyclesPerTimerTick = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Clint(() => 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dram(TestMachine.RamBase, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dram(TestMachine.RamBase + 1, 0x1000));
    }

    [Fact]
    public void Devices_may_not_overlap_dram_or_each_other()
    {
        var bus = new SystemBus(new Dram(TestMachine.RamBase, 0x1_0000));
        Assert.Throws<ArgumentException>(() => bus.Attach(TestMachine.RamBase - 0x1000, new Clint(() => 0, 1)));
        bus.Attach(TestMachine.ClintBase, new Clint(() => 0, 1));
        Assert.Throws<ArgumentException>(() => bus.Attach(TestMachine.ClintBase + 0x8000, new Clint(() => 0, 1)));
    }

    [Fact]
    public void Two_machines_in_one_process_do_not_share_state()
    {
        var a = new TestMachine();
        var b = new TestMachine();
        a.Load(TestMachine.CodeBase, "addi a0,zero,1", "ecall");
        b.Load(TestMachine.CodeBase, "addi a0,zero,2", "ecall");
        a.RunToEcall();
        b.RunToEcall();
        Assert.Equal(1UL, a[Reg.A0]);
        Assert.Equal(2UL, b[Reg.A0]);
    }
}
