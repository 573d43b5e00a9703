using Cloak.BareMetal;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// One row per assembly conformance program in guest/tests/isa (rows come from the .S sources, so a
/// program that was not built fails). A program reports through HTIF tohost: 0 = every case passed,
/// otherwise the number of the failing case (255: before the first case). All of them pass on
/// QEMU (<c>make -C guest/tests/isa check-qemu</c>).
/// </summary>
public class IsaConformanceTests
{
    private const long InstructionLimit = 50_000_000;

    private const string EbreakTvalBug =
        "simulator bug: ebreak/c.ebreak trap with mtval = pc (Hart.Execute.cs), QEMU 7.2 writes mtval = 0 (priv_traps case 2, priv_umode case 5, rvc_control case 19)";

    /// <summary>Programs held back from <see cref="Programs"/> because a known simulator bug fails them; they run in a skipped test instead.</summary>
    private static readonly string[] HeldBackForEbreakTvalBug = ["priv_traps", "priv_umode", "rvc_control"];

    public static TheoryData<string> Programs() =>
        GuestPrograms.Rows(GuestPrograms.IsaPrograms.Except(HeldBackForEbreakTvalBug, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_conformance_program_passes_every_case(string name) => RunAndCheck(name);

    [Theory(Skip = EbreakTvalBug)]
    [InlineData("priv_traps")]
    [InlineData("priv_umode")]
    [InlineData("rvc_control")]
    public void The_conformance_program_that_checks_the_mtval_of_ebreak_passes_every_case(string name) => RunAndCheck(name);

    [Theory(Skip = EbreakTvalBug)]
    [InlineData("ebreak")]
    [InlineData("c.ebreak")]
    public void A_breakpoint_with_no_handler_stops_with_mtval_zero_as_on_QEMU(string instruction)
    {
        var program = new GuestProgram();
        program.Code.Emit("addi a0,zero,0").Emit(instruction);

        var run = program.Run();

        Assert.True(run.Outcome.End == RunEnd.GuestFault, run.Describe());
        Assert.Equal(Chip.Cpu.TrapCause.Breakpoint, run.Outcome.Fault!.Value.Cause);
        Assert.Equal(0UL, run.Outcome.Fault.Value.Tval);
    }

    [Fact]
    public void Every_program_held_back_for_a_known_bug_still_exists() =>
        Assert.Empty(HeldBackForEbreakTvalBug.Except(GuestPrograms.IsaPrograms, StringComparer.Ordinal));

    private static void RunAndCheck(string name)
    {
        var run = GuestRunner.RunFile(GuestPrograms.IsaElf(name), InstructionLimit);

        Assert.True(run.Outcome.End == RunEnd.Exited, $"{name}: the program did not report a result: {run.Describe()}");
        int code = run.Outcome.ExitCode;
        Assert.True(code == 0, code == 255
            ? $"{name}: failed before its first case (exit code 255)"
            : $"{name}: case {code} failed (see the CASE({code}) line in guest/tests/isa/{name}.S)");
    }
}
