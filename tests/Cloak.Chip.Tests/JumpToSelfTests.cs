using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// A bare-metal hart that jumps to itself (<c>j .</c>, what picolibc's crt0 runs after main returns)
/// stops the run when no interrupt could ever take it out of the loop, and keeps running when one
/// could (privileged spec 3.1.9: M-mode interrupts need mstatus.MIE, the timer needs mtimecmp armed).
/// </summary>
public class JumpToSelfTests
{
    private static TestMachine BareMetal() => new(new HartOptions { HostHandlesTraps = false });

    private sealed class CountingTracer : IInstructionTracer
    {
        public int Retired { get; private set; }

        void IInstructionTracer.Retired(in RetiredInstruction instruction) => Retired++;
        void IInstructionTracer.TrapTaken(Trap trap, ulong pc) { }
    }

    [Theory]
    [InlineData("jal zero,80000004")]
    [InlineData("c.j 80000004")]
    [InlineData("jal ra,80000004")]
    public void A_jump_to_itself_with_interrupts_off_stops_the_run_at_the_jump(string jump)
    {
        var m = BareMetal();
        m.Load(TestMachine.CodeBase, "addi a0,zero,7", jump);

        var result = m.Run();

        Assert.Equal(new RunResult(StopReason.SpinningForever, 2), result);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 4), TestMachine.Hex(m.Pc));
        Assert.Equal(7UL, m[Reg.A0]);
    }

    [Fact]
    public void A_jump_to_itself_links_like_any_jal_before_the_run_stops()
    {
        var m = BareMetal();
        m.Load(TestMachine.CodeBase, "jal ra,80000000");

        m.Run();

        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 4), TestMachine.Hex(m[Reg.Ra]));
    }

    [Fact]
    public void A_jump_to_itself_with_the_timer_armed_and_enabled_runs_until_the_timer_fires()
    {
        var m = BareMetal();
        m.Clint.Mtimecmp = 30;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        m.Load(TestMachine.CodeBase, "jal zero,80000000");

        var result = m.Run();

        // mtvec is 0: the interrupt that ends the loop stops the run, which proves it was taken.
        Assert.NotEqual(StopReason.SpinningForever, result.Reason);
        Assert.NotEqual(StopReason.InstructionLimit, result.Reason);
        m.ExpectTrap(TrapCause.MachineTimerInterrupt, epc: TestMachine.CodeBase);
        Assert.True(result.InstructionsRetired >= 299, $"retired {result.InstructionsRetired}");
    }

    [Fact]
    public void A_pending_timer_with_mstatus_mie_clear_in_machine_mode_cannot_end_the_loop()
    {
        var m = BareMetal();
        m.Clint.Mtimecmp = 0;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.Load(TestMachine.CodeBase, "jal zero,80000000");

        Assert.Equal(StopReason.SpinningForever, m.Run().Reason);
    }

    [Fact]
    public void A_timer_enabled_in_mie_but_never_armed_cannot_end_the_loop()
    {
        var m = BareMetal();
        m.Clint.Mtimecmp = ulong.MaxValue;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
        m.Load(TestMachine.CodeBase, "jal zero,80000000");

        Assert.Equal(StopReason.SpinningForever, m.Run().Reason);
    }

    [Fact]
    public void A_traced_run_stops_at_the_same_jump()
    {
        var m = BareMetal();
        var tracer = new CountingTracer();
        m.Hart.Tracer = tracer;
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "jal zero,80000004");

        Assert.Equal(new RunResult(StopReason.SpinningForever, 2), m.Run());
        Assert.Equal(2, tracer.Retired);
    }

    [Fact]
    public void Under_a_host_that_handles_traps_a_jump_to_itself_is_left_to_the_host()
    {
        var m = new TestMachine(); // HostHandlesTraps: the OS model keeps its own clock
        m.Load(TestMachine.CodeBase, "jal zero,80000000");

        Assert.Equal(new RunResult(StopReason.InstructionLimit, 1000), m.Run(1000));
    }

    [Fact]
    public void A_backward_loop_that_is_not_a_jump_to_itself_runs_to_the_instruction_limit()
    {
        var m = BareMetal();
        m.Load(TestMachine.CodeBase, "loop:", "addi a0,a0,1", "jal zero,loop");

        Assert.Equal(new RunResult(StopReason.InstructionLimit, 1000), m.Run(1000));
    }
}
