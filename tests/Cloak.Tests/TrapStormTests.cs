using System.Diagnostics;
using Cloak.BareMetal;
using Cloak.Isa;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// Issue 8: a bare-metal trap storm (a handler overwritten: the hart takes millions of traps per second
/// and retires nothing) used to run for ever, --max-instructions or not. A trap that re-enters at its own
/// handler with nothing retired is now recognised as a loop, and traps count against the instruction
/// budget so any storm ends.
/// </summary>
public class TrapStormTests
{
    /// <summary>mtvec points at an illegal instruction; then one illegal instruction: every trap lands on another.</summary>
    private static GuestProgram HandlerThatTraps()
    {
        var p = new GuestProgram();
        ulong handler = p.Data(new byte[8], 8); // zeros: an illegal instruction
        p.Code.La(Reg.T0, handler).Emit("csrrw zero,mtvec,t0").Emit("addi a0,zero,1").Emit("csrrw zero,0x7c0,zero");
        return p;
    }

    [Fact]
    public void A_handler_that_traps_on_its_first_instruction_ends_the_run_as_a_loop()
    {
        var clock = Stopwatch.StartNew();
        var run = HandlerThatTraps().Run(maxInstructions: long.MaxValue);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal(RunEnd.WaitingForever, run.Outcome.End);
        Assert.Contains("the trap handler at mtvec", run.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("illegal instruction", run.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trap_storm_that_is_no_fixed_point_still_ends_at_the_instruction_limit()
    {
        // The handler returns to the faulting instruction each time (mret): it retires instructions, so
        // it is an honest loop; the budget counts its traps too.
        var p = new GuestProgram();
        ulong handler = GuestProgram.CodeBase + 0x800;
        p.Code.La(Reg.T0, handler).Emit("csrrw zero,mtvec,t0").Emit("csrrw zero,0x7c0,zero");
        var code = p.Code;
        while (code.Pc < handler) code.Emit("addi zero,zero,0");
        code.Emit("mret");

        var clock = Stopwatch.StartNew();
        var run = p.Run(maxInstructions: 1000);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal(RunEnd.InstructionLimit, run.Outcome.End);
        Assert.True(run.Outcome.InstructionsRetired <= 1000);
    }

    [Fact]
    public async Task Cloak_run_with_max_instructions_1000_ends_a_trap_storm_in_under_a_second()
    {
        using var folder = new TempDirectory();
        string elf = folder.File("storm.elf");
        File.WriteAllBytes(elf, HandlerThatTraps().ToElfBytes());

        var clock = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync("run", "--max-instructions", "1000", elf);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed} (the process start-up included)");
        Assert.Equal(125, result.ExitCode);
        Assert.Contains("the trap handler at mtvec", result.Stderr, StringComparison.Ordinal);
    }
}
