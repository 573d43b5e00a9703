using System.Globalization;
using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// <c>cloak run</c> and <c>cloak disasm</c> on real guest programs: exit codes passed through, faults
/// (126), the instruction limit (124), <c>--stats</c>, <c>--trace</c> and its determinism.
/// </summary>
public partial class CliRunTests
{
    public static TheoryData<string> FaultPrograms() => GuestPrograms.Rows(GuestPrograms.FaultTests);

    /// <summary>C tests whose expected exit code is not 0 (exit_code_seven: 7, constructors_and_atexit: 3).</summary>
    public static TheoryData<string> ProgramsExitingNonZero() => GuestPrograms.Rows(
        GuestPrograms.CTests.Where(n => ExpectedCode(n) != 0));

    [Theory]
    [MemberData(nameof(ProgramsExitingNonZero))]
    public async Task The_programs_exit_code_and_console_pass_through(string name)
    {
        var result = await CliRunner.RunAsync("run", GuestPrograms.CTestElf(name));

        CliAssert.ExitCode(ExpectedCode(name), result);
        Assert.Equal(File.ReadAllBytes(GuestPrograms.CTestFile($"{name}.out")), result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [MemberData(nameof(FaultPrograms))]
    public async Task A_faulting_program_exits_126_naming_cause_pc_and_tval(string name)
    {
        var expect = File.ReadAllLines(GuestPrograms.CTestFile($"faults/{name}.expect"))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        string cause = expect["description"].Split(':')[0];
        ulong mtval = Convert.ToUInt64(expect["mtval"], 16);
        var inProcess = GuestRunner.RunFile(GuestPrograms.FaultElf(name));

        var result = await CliRunner.RunAsync("run", GuestPrograms.FaultElf(name));

        CliAssert.ExitCode(126, result);
        CliAssert.OneErrorLine(result, cause, $"mcause {expect["mcause"]}", $"pc 0x{inProcess.Outcome.FaultPc:x}", $"tval 0x{mtval:x}");
        Assert.Equal(File.ReadAllBytes(GuestPrograms.CTestFile($"faults/{name}.out")), result.Stdout);
    }

    [Fact]
    public async Task Max_instructions_stops_a_long_program_with_exit_code_124()
    {
        var result = await CliRunner.RunAsync("run", "--max-instructions", "1000", GuestPrograms.ExampleElf("sha256"));

        CliAssert.ExitCode(124, result);
        CliAssert.OneErrorLine(result, "1000");
    }

    [Fact]
    public async Task Stats_go_to_stderr_and_leave_stdout_unchanged()
    {
        string hello = GuestPrograms.ExampleElf("hello");

        var plain = await CliRunner.RunAsync("run", hello);
        var withStats = await CliRunner.RunAsync("run", "--stats", hello);

        CliAssert.ExitCode(0, plain);
        CliAssert.ExitCode(0, withStats);
        Assert.Equal("", plain.Stderr);
        Assert.Equal(plain.Stdout, withStats.Stdout);
        Assert.True(RetiredInstructions(withStats) > 1000, withStats.Stderr);
        // 6,500 instructions: start-up dominates, so no rate is claimed.
        Assert.Contains("MIPS                  - (too short to measure", withStats.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_of_millions_of_instructions_reports_its_MIPS()
    {
        var run = await CliRunner.RunAsync("run", "--stats", GuestPrograms.ExampleElf("primes"));

        CliAssert.ExitCode(0, run);
        Assert.True(RetiredInstructions(run) > 1_000_000, run.Stderr);
        Assert.Matches(MipsLine(), run.Stderr);
    }

    [Fact]
    public async Task A_trace_starts_with_the_first_instruction_at_the_entry_point()
    {
        using var temp = new TempDirectory();
        string trace = temp.File("hello.trace");

        var result = await CliRunner.RunAsync("run", "--trace", trace, GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(0, result);
        string first = File.ReadLines(trace).First();
        // 0x80000000: auipc sp,0x4000 (picolibc's crt0 sets the stack pointer first).
        Assert.Matches(@"^core\s+0: 3 0x0000000080000000 \(0x04000117\) auipc sp,0x4000\s+x2\s+0x0000000084000000$", first);
    }

    [Fact]
    public async Task A_trace_has_one_line_per_retired_instruction()
    {
        using var temp = new TempDirectory();
        string trace = temp.File("hello.trace");

        var result = await CliRunner.RunAsync("run", "--stats", "--trace", trace, GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(0, result);
        int lines = File.ReadLines(trace).Count(l => !l.Contains(": trap ", StringComparison.Ordinal));
        Assert.Equal(RetiredInstructions(result), (ulong)lines);
    }

    [Theory]
    [InlineData("examples/hello")]
    [InlineData("tests/isa/irq_timer")]
    public async Task Two_traced_runs_of_a_program_write_identical_traces(string program)
    {
        using var temp = new TempDirectory();
        string elf = GuestPrograms.Elf($"{program}.elf");

        var first = await CliRunner.RunAsync("run", "--trace", temp.File("1.trace"), elf);
        var second = await CliRunner.RunAsync("run", "--trace", temp.File("2.trace"), elf);

        CliAssert.ExitCode(0, first);
        CliAssert.ExitCode(0, second);
        byte[] a = File.ReadAllBytes(temp.File("1.trace")), b = File.ReadAllBytes(temp.File("2.trace"));
        Assert.True(a.Length > 0);
        Assert.True(a.AsSpan().SequenceEqual(b), $"{program}: the traces differ ({a.Length} and {b.Length} bytes)");
    }

    [Fact]
    public async Task An_unsupported_semihosting_call_exits_125_naming_the_call()
    {
        var program = new GuestProgram();
        program.Semihosting(0x99);
        program.ExitWithSemihosting(0);
        using var temp = new TempDirectory();
        string elf = temp.Write("unsupported.elf", program.ToElfBytes());

        var result = await CliRunner.RunAsync("run", elf);

        CliAssert.ExitCode(125, result);
        CliAssert.OneErrorLine(result, "unsupported semihosting call 0x99");
    }

    [Fact]
    public async Task Host_files_are_readable_only_under_the_host_files_directory()
    {
        // Opens data.txt, reads it into a buffer, prints the buffer, exits with SYS_OPEN's result.
        var program = new GuestProgram();
        int handle = program.OpenFile("data.txt", Semihost.ModeRead);
        ulong buffer = program.Reserve(32);
        ulong read = program.Words(0, buffer, 8);
        program.CopyResult(handle, read);
        program.Semihosting(Semihost.Read, read);
        program.Semihosting(Semihost.Write0, buffer);
        program.ExitWithResult(handle);
        using var temp = new TempDirectory();
        string elf = temp.Write("reader.elf", program.ToElfBytes());
        string files = Path.Combine(temp.Path, "files");
        Directory.CreateDirectory(files);
        File.WriteAllText(Path.Combine(files, "data.txt"), "host data");

        var allowed = await CliRunner.RunAsync("run", "--host-files", files, elf);
        var refused = await CliRunner.RunAsync("run", elf);

        CliAssert.ExitCode(1, allowed); // handle 1
        Assert.Equal("host dat", allowed.StdoutText);
        CliAssert.ExitCode(255, refused); // -1
        Assert.Equal("", refused.StdoutText);
    }

    [Fact]
    public async Task Disasm_lists_the_entry_point_under_a_symbol_label()
    {
        var result = await CliRunner.RunAsync("disasm", GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(0, result);
        var lines = result.StdoutText.Split('\n');
        // objdump labels it <_start>; Cloak picks the alphabetically first symbol there (<__flash>, a
        // linker-script symbol), so only the label's presence is checked.
        int start = Array.FindIndex(lines, l => l.StartsWith("0000000080000000 <", StringComparison.Ordinal) && l.EndsWith(">:", StringComparison.Ordinal));
        Assert.True(start >= 0, "no label at 0x80000000");
        Assert.Equal("80000000:\t04000117\tauipc sp,0x4000", lines[start + 1].Trim());
        Assert.Equal("", result.Stderr);
    }

    private static int ExpectedCode(string name) =>
        int.Parse(File.ReadAllText(GuestPrograms.CTestFile($"{name}.code")).Trim(), CultureInfo.InvariantCulture);

    private static ulong RetiredInstructions(ProcessResult result)
    {
        var match = RetiredLine().Match(result.Stderr);
        Assert.True(match.Success, $"no 'instructions retired' line: {result.Describe()}");
        return ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"instructions retired\s+(\d+)")]
    private static partial Regex RetiredLine();

    [GeneratedRegex(@"(?m)^cloak: MIPS\s+\d+(\.\d+)?$")]
    private static partial Regex MipsLine();
}
