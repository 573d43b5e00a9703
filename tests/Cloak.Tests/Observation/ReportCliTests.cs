using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// <c>--report</c>, <c>--inspect-at</c> and <c>--inspect</c> on the command line: every kind of run
/// writes a report, bad arguments are usage errors before anything runs, and the tour's output is
/// what the commands print today.
/// </summary>
public class ReportCliTests
{
    [Fact]
    public async Task A_bare_metal_run_writes_a_report_with_its_outcome_and_statistics()
    {
        using var directory = new TempDirectory();
        string report = directory.File("primes.html");

        var result = await CliRunner.RunAsync("run", "--report", report, GuestPrograms.ExampleElf("primes"));

        CliAssert.ExitCode(0, result);
        string html = File.ReadAllText(report);
        Assert.Contains("<title>cloak run primes.elf</title>", html, StringComparison.Ordinal);
        Assert.Contains("bare-metal program", html, StringComparison.Ordinal);
        Assert.Contains("id=\"verdict-badge\">exit status 0<", html, StringComparison.Ordinal);
        Assert.Contains("svg class=\"chart cycles\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_process_run_writes_a_report_with_its_lifeline()
    {
        using var directory = new TempDirectory();
        string report = directory.File("hello.html");

        var result = await CliRunner.RunAsync("run", "--report", report, GuestPrograms.Elf("user/hello.elf"));

        CliAssert.ExitCode(0, result);
        string html = File.ReadAllText(report);
        Assert.Contains("user processes under the OS model", html, StringComparison.Ordinal);
        Assert.Contains("class=\"lifeline os\"", html, StringComparison.Ordinal);
        Assert.Contains("data-pid=\"1\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--inspect-at", "8(e)")]
    [InlineData("--inspect", "owner:shared")]
    public async Task Half_of_the_inspector_options_is_a_usage_error(string option, string value)
    {
        var result = await CliRunner.RunAsync("demo", option, value);

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--inspect");
    }

    [Fact]
    public async Task A_malformed_inspection_target_is_a_usage_error_naming_it()
    {
        var result = await CliRunner.RunAsync("demo", "--inspect-at", "8(e)", "--inspect", "owner:stack");

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--inspect", "'stack'");
    }

    [Fact]
    public async Task The_inspector_on_a_bare_metal_program_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("run", "--inspect-at", "100", "--inspect", "1", GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "OS model");
    }

    [Fact]
    public async Task A_report_that_cannot_be_written_fails_before_the_run()
    {
        using var directory = new TempDirectory();

        var result = await CliRunner.RunAsync("demo", "--report", directory.Path);

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "--report", "is a directory");
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task The_tour_shows_what_the_commands_print_today()
    {
        var result = await ExternalProcess.RunAsync("env", [$"CLOAK=dotnet {CliRunner.CliDll}", "bash", Repository.PathOf("docs/gen/tour.sh"), "--check"],
            TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.Describe());
    }
}
