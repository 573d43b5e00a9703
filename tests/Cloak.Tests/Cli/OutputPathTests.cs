using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Output files that cannot be written (STYLE: one line on stderr naming the problem, a non-zero exit,
/// never a stack trace or lost data): <c>--stats-json</c>, <c>--events</c>, <c>--timeline</c> and
/// <c>--trace</c> naming a directory or a file in a missing directory stop the run before it starts
/// (exit 66); on a full disk (/dev/full) the run completes, the guest's output is all there, and the
/// exit code is 66 instead of the guest's 0; <c>--output-dir</c> naming a file is refused. Never exit
/// 70, the code of Cloak's own bugs.
/// </summary>
public sealed class OutputPathTests
{
    public static TheoryData<string, string> OptionsAndModes()
    {
        var rows = new TheoryData<string, string>();
        foreach (string option in new[] { "--stats-json", "--events", "--timeline", "--trace" })
            foreach (string mode in new[] { "bare-metal", "os" })
                rows.Add(option, mode);
        return rows;
    }

    private static string Hello(string mode) => GuestPrograms.Elf(mode == "bare-metal" ? "examples/hello.elf" : "user/hello.elf");

    [Theory]
    [MemberData(nameof(OptionsAndModes))]
    public async Task An_output_naming_a_directory_is_refused_before_the_run(string option, string mode)
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("run", option, temp.Path, Hello(mode));

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, option, temp.Path, "is a directory");
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [MemberData(nameof(OptionsAndModes))]
    public async Task An_output_in_a_missing_directory_is_refused_before_the_run(string option, string mode)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "missing", "file");

        var result = await CliRunner.RunAsync("run", option, path, Hello(mode));

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, option, path, "cannot write");
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [MemberData(nameof(OptionsAndModes))]
    public async Task An_output_on_a_full_disk_is_reported_after_the_run_with_the_guests_output_intact(string option, string mode)
    {
        Assert.True(File.Exists("/dev/full"), "this test needs /dev/full (Linux)");
        var plain = await CliRunner.RunAsync("run", Hello(mode));

        var result = await CliRunner.RunAsync("run", option, "/dev/full", Hello(mode));

        CliAssert.ExitCode(0, plain);
        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, option, "'/dev/full'", "failed", "No space left on device");
        Assert.Equal(plain.StdoutText, result.StdoutText);
    }

    [Fact]
    public async Task Every_output_of_a_demo_on_a_full_disk_is_reported_and_the_demo_still_finishes()
    {
        var result = await CliRunner.RunAsync("demo", "m1", "--attack", "none", "--stats-json", "/dev/full", "--events", "/dev/full", "--timeline", "/dev/full");

        CliAssert.ExitCode(66, result);
        Assert.Contains("Verdict: shared correctly", result.StdoutText, StringComparison.Ordinal);
        Assert.Equal(3, result.StderrLines.Count);
        foreach (string option in new[] { "--stats-json", "--events", "--timeline" })
            Assert.Single(result.StderrLines, l => l.StartsWith($"cloak: {option}: writing '/dev/full' failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_guests_own_exit_code_wins_over_a_failed_output()
    {
        var result = await CliRunner.RunAsync("run", "--events", "/dev/full", GuestPrograms.CTestElf("exit_code_seven"));

        CliAssert.ExitCode(7, result);
        CliAssert.OneErrorLine(result, "--events", "'/dev/full'");
    }

    [Theory]
    [InlineData("file")]
    [InlineData("/dev/full")]
    [InlineData("file/below")]
    public async Task An_output_dir_that_cannot_be_a_directory_is_refused_before_the_run(string target)
    {
        using var temp = new TempDirectory();
        string file = temp.Write("file", [1, 2, 3]);
        string path = target.StartsWith('/') ? target : Path.Combine(temp.Path, target);

        var result = await CliRunner.RunAsync("run", "--output-dir", path, Hello("os"));

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "--output-dir", path);
        Assert.Empty(result.Stdout);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(file));
    }

    [Fact]
    public async Task An_output_dir_is_created_with_its_missing_parents()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "a", "b");

        var result = await CliRunner.RunAsync("run", "--output-dir", path, Hello("os"));

        CliAssert.ExitCode(0, result);
        Assert.Contains("hello from process 1", File.ReadAllText(Path.Combine(path, "1-hello.out")), StringComparison.Ordinal);
    }
}
