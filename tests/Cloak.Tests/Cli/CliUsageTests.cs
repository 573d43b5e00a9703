using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// The command line itself: help for the root and every command, usage errors (exit 2, one error
/// line naming the problem), missing files (exit 66) and bad sizes.
/// </summary>
public partial class CliUsageTests
{
    private const string Hello = "{hello}";

    [Fact]
    public async Task Help_on_the_root_exits_0_and_lists_the_commands()
    {
        var result = await CliRunner.RunAsync("--help");

        CliAssert.ExitCode(0, result);
        Assert.Contains("Usage:", result.StdoutText, StringComparison.Ordinal);
        var commands = Commands(result.StdoutText);
        Assert.Contains("run", commands.Keys);
        Assert.Contains("disasm", commands.Keys);
        Assert.All(commands, c => Assert.False(string.IsNullOrWhiteSpace(c.Value), $"command {c.Key} has no description"));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Help_on_every_command_exits_0_and_describes_each_option()
    {
        var root = await CliRunner.RunAsync("--help");
        foreach (string command in Commands(root.StdoutText).Keys)
        {
            var result = await CliRunner.RunAsync(command, "--help");

            CliAssert.ExitCode(0, result);
            Assert.Contains("Usage:", result.StdoutText, StringComparison.Ordinal);
            var options = Options(result.StdoutText);
            Assert.Contains(options, o => o.Names.Contains("--help", StringComparison.Ordinal));
            Assert.All(options, o => Assert.False(string.IsNullOrWhiteSpace(o.Description), $"{command}: option {o.Names} has no description"));
        }
    }

    [Fact]
    public async Task Help_on_run_describes_every_option_a_user_needs()
    {
        var result = await CliRunner.RunAsync("run", "--help");

        CliAssert.ExitCode(0, result);
        var options = Options(result.StdoutText);
        foreach (string option in new[] { "--stats", "--trace", "--max-instructions", "--ram-size", "--ram-base", "--misaligned", "--host-files" })
        {
            var described = options.Where(o => o.Names.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Contains(option)).ToList();
            Assert.True(described.Count == 1, $"run --help does not list {option} once:\n{result.StdoutText}");
            Assert.False(string.IsNullOrWhiteSpace(described[0].Description), $"{option} has no description");
        }
    }

    [Theory]
    [InlineData("run", "missing")]
    [InlineData("disasm", "missing")]
    [InlineData("run {hello} --max-instructions", "--max-instructions")]
    [InlineData("run {hello} --trace", "--trace")]
    [InlineData("run {hello} --ram-size", "--ram-size")]
    [InlineData("disasm {hello} --bogus", "--bogus")]
    [InlineData("run {hello} --bogus", "--bogus")]
    [InlineData("run --bogus", "--bogus")]
    [InlineData("--bogus", "--bogus")]
    [InlineData("run {hello} --misaligned sometimes", "sometimes")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("demo m4 --clients 257", "--clients must be 1-256")]
    [InlineData("demo m5 --clients 1000", "--clients must be 1-256")]
    [InlineData("demo m4 --ear-entries 3", "--ear-entries must be 4-1024")]
    [InlineData("demo m4 --ear-entries 1025", "--ear-entries must be 4-1024")]
    public async Task A_usage_error_exits_2_with_one_error_line_naming_the_problem(string arguments, string named)
    {
        var result = await CliRunner.RunAsync(Arguments(arguments));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, named);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("disasm")]
    public async Task A_program_file_that_does_not_exist_exits_66_naming_it(string command)
    {
        using var temp = new TempDirectory();
        string missing = temp.File("no-such-program.elf");

        var result = await CliRunner.RunAsync(command, missing);

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, missing);
    }

    [Theory]
    [InlineData("12Q")]
    [InlineData("0")]
    [InlineData("3000")]
    [InlineData("-4K")]
    [InlineData("3G")]
    public async Task A_bad_RAM_size_exits_2_with_a_message(string size)
    {
        var result = await CliRunner.RunAsync("run", "--ram-size", size, GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(2, result);
        string line = CliAssert.OneErrorLine(result);
        Assert.Matches(RamSize(), line);
    }

    private static string[] Arguments(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == Hello ? GuestPrograms.ExampleElf("hello") : a).ToArray();

    /// <summary>The "Commands:" section of a help text: name to description.</summary>
    private static Dictionary<string, string> Commands(string help) =>
        Section(help, "Commands:").Select(l => HelpRow().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["names"].Value.Split(' ')[0], m => m.Groups["description"].Value, StringComparer.Ordinal);

    /// <summary>The "Options:" section of a help text.</summary>
    private static List<(string Names, string Description)> Options(string help) =>
        Section(help, "Options:").Select(l => HelpRow().Match(l))
            .Select(m => m.Success ? (m.Groups["names"].Value, m.Groups["description"].Value) : ("?", ""))
            .ToList();

    private static IEnumerable<string> Section(string help, string title) =>
        help.Split('\n').Select(l => l.TrimEnd('\r'))
            .SkipWhile(l => l != title).Skip(1)
            .TakeWhile(l => l.Length > 0);

    [GeneratedRegex(@"^\s+(?<names>\S.*?)\s{2,}(?<description>\S.*)$")]
    private static partial Regex HelpRow();

    [GeneratedRegex("(?i)ram[- ]size")]
    private static partial Regex RamSize();
}
