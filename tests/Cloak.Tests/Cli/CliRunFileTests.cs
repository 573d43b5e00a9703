using System.Text.Json;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// <c>cloak run experiment.toml</c> (docs/run-files.md): an experiment in one file, run as written or
/// with command-line options laid over it; a broken file is refused naming its line and key.
/// </summary>
public sealed class CliRunFileTests
{
    private static string Hello => GuestPrograms.Elf("user/hello.elf");

    [Fact]
    public async Task A_run_file_runs_its_processes_with_their_arguments()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("exp.toml"), $"""
            version = 1
            [[process]]
            file = "{Hello}"
            args = ["one", "two words"]
            [observe]
            stats_json = "stats.json"
            """);

        var run = await CliRunner.RunInAsync(folder.Path, "run", "exp.toml");

        CliAssert.ExitCode(0, run);
        Assert.Contains("argv[2] = two words", run.StdoutText, StringComparison.Ordinal);
        // Relative paths in the file are relative to the file: the statistics land beside it.
        Assert.True(File.Exists(folder.File("stats.json")), run.Describe());
    }

    [Fact]
    public async Task Options_on_the_command_line_override_the_run_file()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("exp.toml"), $"""
            [os]
            quantum = 5000
            seed = 3
            [[process]]
            file = "{Hello}"
            [observe]
            stats_json = "stats.json"
            """);

        var run = await CliRunner.RunInAsync(folder.Path, "run", "exp.toml", "--seed", "9");

        CliAssert.ExitCode(0, run);
        var kernel = JsonDocument.Parse(File.ReadAllText(folder.File("stats.json"))).RootElement.GetProperty("configuration").GetProperty("kernel");
        Assert.Equal(9, kernel.GetProperty("seed").GetInt32());
        Assert.Equal(5000, kernel.GetProperty("quantum").GetInt32());
    }

    [Theory]
    [InlineData("[chip]\ndcache = \"16X\"\n[[process]]\nfile = \"a.elf\"\n", "exp.toml:2: [chip] dcache: '16X' is not a size")]
    [InlineData("[[process]]\nfile = \"a.elf\"\n[[attack]]\nspec = \"steal\"\n", "exp.toml:3: [[attack]] 'steal' is not an attack")]
    [InlineData("[os]\nquantam = 5\n", "exp.toml:2: [os] quantam: unknown key")]
    public async Task A_broken_run_file_is_a_usage_error_naming_its_line_and_key(string text, string message)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("exp.toml"), text);

        var run = await CliRunner.RunInAsync(folder.Path, "run", "exp.toml");

        CliAssert.ExitCode(2, run);
        Assert.Contains($"cloak: {message}", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.StderrLines);
    }

    [Theory]
    [InlineData("steal", "--attack: 'steal' is not an attack")]
    [InlineData("tamper:hello", "--attack: tamper needs a target")]
    public async Task A_malformed_attack_is_a_usage_error(string attack, string message)
    {
        var run = await CliRunner.RunAsync("run", Hello, "--attack", attack);

        CliAssert.ExitCode(2, run);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_without_an_attack_is_a_usage_error()
    {
        var run = await CliRunner.RunAsync("run", Hello, "--secret", "x");

        CliAssert.ExitCode(2, run);
        Assert.Contains("--secret is what an attack searches for", run.Stderr, StringComparison.Ordinal);
    }
}
