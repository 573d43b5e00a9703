using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Files Cloak must refuse, written by the test: the CLI exits 65 with one line on stderr that names
/// the file and the problem, and never shows a .NET exception or stack trace.
/// </summary>
public class CliMalformedElfTests
{
    public static TheoryData<string> Malformations() => MalformedElves.Names();

    [Theory]
    [MemberData(nameof(Malformations))]
    public async Task Running_a_malformed_ELF_exits_65_with_one_line_naming_the_problem(string name)
    {
        var malformed = MalformedElves.Named(name);
        using var temp = new TempDirectory();
        string path = temp.Write("program.elf", malformed.Bytes);

        var result = await CliRunner.RunAsync("run", path);

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, [path, .. malformed.MessageFragments]);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("not an ELF file")]
    [InlineData("truncated header")]
    [InlineData("32-bit class")]
    [InlineData("segment data past the end of the file")]
    public async Task Disassembling_a_malformed_ELF_exits_65_with_one_line_naming_the_problem(string name)
    {
        var malformed = MalformedElves.Named(name);
        using var temp = new TempDirectory();
        string path = temp.Write("program.elf", malformed.Bytes);

        var result = await CliRunner.RunAsync("disasm", path);

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, [path, .. malformed.MessageFragments]);
    }

    [Fact]
    public async Task An_ELF_whose_segments_have_no_flags_runs_with_one_warning_line_per_segment_as_QEMU_would_run_it()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("program.elf", ElfLoaderTests.WithoutFlags());

        var result = await CliRunner.RunAsync("run", path);

        CliAssert.ExitCode(0, result);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.StartsWith($"cloak: warning: {path}: segment ", line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Contains("p_flags = 0", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_valid_program_the_malformations_start_from_runs_and_exits_0()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("program.elf", MalformedElves.Valid().Build());

        var result = await CliRunner.RunAsync("run", path);

        CliAssert.ExitCode(0, result);
        Assert.Equal("", result.Stderr);
    }
}
