using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// RISC-V semihosting (semihosting spec 2.2): an uncompressed ebreak between "slli x0,x0,0x1f" and
/// "srai x0,x0,7", in M-mode, asks the host for a service instead of raising a breakpoint.
/// </summary>
public class SemihostingTests
{
    private static readonly string[] Call = ["slli zero,zero,0x1f", "ebreak", "srai zero,zero,0x7"];

    [Fact]
    public void The_semihosting_sequence_stops_the_run_at_the_ebreak()
    {
        var m = new TestMachine();
        m[Reg.A0] = 0x4; // SYS_WRITE0
        m[Reg.A1] = 0x1234;
        m.Load(TestMachine.CodeBase, ["addi a2,zero,1", .. Call, "addi a3,zero,2", "ecall"]);
        var result = m.Run();
        Assert.Equal(new RunResult(StopReason.Semihosting, 2), result);
        Assert.Equal(TestMachine.CodeBase + 8, m.Pc);
        Assert.Equal(0x4UL, m[Reg.A0]);
        Assert.Equal(0x1234UL, m[Reg.A1]);
        Assert.Null(m.Hart.LastTrap);
        Assert.Equal(0UL, m.Hart.TrapsTaken);
    }

    [Fact]
    public void Completing_the_call_resumes_after_the_ebreak_with_the_hosts_result()
    {
        var m = new TestMachine();
        m[Reg.A0] = 0x4;
        m.Load(TestMachine.CodeBase, [.. Call, "addi a3,a0,1", "ecall"]);
        Assert.Equal(StopReason.Semihosting, m.Run().Reason);
        m[Reg.A0] = 41; // the host's return value
        m.Hart.CompleteSemihostingCall();
        Assert.Equal(TestMachine.CodeBase + 8, m.Pc);
        m.RunToEcall();
        Assert.Equal(42UL, m[Reg.A3]);
        Assert.Equal(4UL, m.Hart.InstructionsRetired); // slli, ebreak, srai, addi
    }

    [Fact]
    public void Semihosting_stops_even_without_host_trap_handling()
    {
        var m = new TestMachine(new HartOptions());
        m.Load(TestMachine.CodeBase, Call);
        Assert.Equal(StopReason.Semihosting, m.Run().Reason);
    }

    [Fact]
    public void A_lone_ebreak_is_a_breakpoint()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi zero,zero,0", "ebreak", "srai zero,zero,0x7");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void An_ebreak_missing_the_exit_marker_is_a_breakpoint()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "slli zero,zero,0x1f", "ebreak", "srai zero,zero,0x6");
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void An_ebreak_at_the_very_start_of_memory_is_a_breakpoint()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "ebreak", "srai zero,zero,0x7");
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void A_compressed_ebreak_between_the_markers_is_a_breakpoint()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "slli zero,zero,0x1f", "c.ebreak", "c.nop", "srai zero,zero,0x7");
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void The_sequence_in_user_mode_is_a_breakpoint()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, Call);
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void The_sequence_is_a_breakpoint_when_semihosting_is_off()
    {
        var m = new TestMachine(TestMachine.DefaultOptions with { Semihosting = false });
        m.Load(TestMachine.CodeBase, Call);
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void The_sequence_is_recognised_across_a_page_boundary()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase + 0xFFC, Call);
        m.Pc = TestMachine.CodeBase + 0xFFC;
        Assert.Equal(StopReason.Semihosting, m.Run().Reason);
        Assert.Equal(TestMachine.CodeBase + 0x1000, m.Pc);
    }
}
