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

    public static TheoryData<string> Programs() => GuestPrograms.Rows(GuestPrograms.IsaPrograms);

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_conformance_program_passes_every_case(string name) => RunAndCheck(name);

    [Theory]
    [InlineData("ebreak")]
    [InlineData("c.ebreak")]
    public void A_breakpoint_with_no_handler_stops_with_mtval_zero_as_on_QEMU(string instruction)
    {
        var program = new GuestProgram();
        program.Code.Emit("addi a0,zero,0").Emit(instruction);

        var run = program.Run();

        Assert.True(run.Outcome.End == RunEnd.GuestFault, run.Describe());
        Assert.Equal(Isa.TrapCause.Breakpoint, run.Outcome.Fault!.Value.Cause);
        Assert.Equal(0UL, run.Outcome.Fault.Value.Tval);
    }

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
