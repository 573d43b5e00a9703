using System.Globalization;
using Cloak.BareMetal;
using Cloak.Tests.Support;

namespace Cloak.Tests;

/// <summary>
/// The C test programs in guest/tests/c: console bytes and exit code against the expected files
/// beside each source (<c>.out</c>, <c>.code</c>), and the fault programs in guest/tests/c/faults
/// against their <c>.expect</c> (mcause, mtval, description) and <c>.out</c>.
/// </summary>
public class CProgramTests
{
    public static TheoryData<string> Programs() => GuestPrograms.Rows(GuestPrograms.CTests);
    public static TheoryData<string> FaultPrograms() => GuestPrograms.Rows(GuestPrograms.FaultTests);

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_C_program_prints_its_expected_output_and_exits_with_its_expected_code(string name)
    {
        byte[] expectedOutput = File.ReadAllBytes(GuestPrograms.CTestFile($"{name}.out"));
        int expectedCode = int.Parse(File.ReadAllText(GuestPrograms.CTestFile($"{name}.code")).Trim(), CultureInfo.InvariantCulture);

        var run = GuestRunner.RunFile(GuestPrograms.CTestElf(name));

        Assert.True(run.Outcome.End == RunEnd.Exited, $"{name}: {run.Describe()}\nconsole so far:\n{run.StdoutText}");
        // Latin-1 maps every byte to one character: equal text is equal bytes, and a diff shows where.
        Assert.Equal(Text(expectedOutput), Text(run.Stdout));
        Assert.True(run.Stderr.Length == 0, $"{name}: picolibc writes stderr through SYS_WRITEC, yet the stderr handle got: {run.StderrText}");
        Assert.True(run.Outcome.ExitCode == expectedCode, $"{name}: exit code {run.Outcome.ExitCode}, expected {expectedCode}");
    }

    [Theory]
    [MemberData(nameof(FaultPrograms))]
    public void The_fault_program_prints_its_line_then_stops_with_the_expected_trap(string name)
    {
        var expect = ReadExpect(GuestPrograms.CTestFile($"faults/{name}.expect"));
        byte[] expectedOutput = File.ReadAllBytes(GuestPrograms.CTestFile($"faults/{name}.out"));
        ulong mcause = ulong.Parse(expect["mcause"], CultureInfo.InvariantCulture);
        ulong mtval = Convert.ToUInt64(expect["mtval"], 16);
        string cause = expect["description"].Split(':')[0];

        var run = GuestRunner.RunFile(GuestPrograms.FaultElf(name));

        Assert.True(run.Outcome.End == RunEnd.GuestFault, $"{name}: expected a guest fault, got {run.Describe()}");
        Assert.Equal(Text(expectedOutput), Text(run.Stdout));
        Assert.NotNull(run.Outcome.Fault);
        var fault = run.Outcome.Fault.Value;
        Assert.True((ulong)fault.Cause == mcause, $"{name}: mcause {(ulong)fault.Cause}, expected {mcause}");
        Assert.True(fault.Tval == mtval, $"{name}: mtval 0x{fault.Tval:x}, expected 0x{mtval:x}");
        Assert.Equal(mcause, run.Machine.Hart.Mcause);
        Assert.Contains(cause, run.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains($"pc 0x{run.Outcome.FaultPc:x}", run.Outcome.Message, StringComparison.Ordinal);
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    private static Dictionary<string, string> ReadExpect(string path) =>
        File.ReadAllLines(path)
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);
}
