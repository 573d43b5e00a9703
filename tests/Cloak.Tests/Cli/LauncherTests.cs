using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// The repository's ./cloak launcher, which the README's first command and every doc example use:
/// the other CLI tests run the built assembly directly, so only this test sees what the script does
/// to a run (building it if a source is newer, then handing over stdin, stdout, stderr and the exit
/// code). In a fresh clone it pays for the first ReadyToRun build, about a minute on two cores; it runs
/// alone, since that build restores and writes the src projects' obj folders.
/// </summary>
[Collection(Name)]
public sealed class LauncherTests
{
    public const string Name = "the cloak launcher (runs alone)";

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class RunsAlone;

    [Fact]
    public async Task The_launcher_runs_a_program_with_its_output_on_stdout_its_statistics_on_stderr_and_its_exit_code()
    {
        var result = await ExternalProcess.RunAsync("bash", [Repository.PathOf("cloak"), "run", "--stats", GuestPrograms.Elf("user/hello.elf")],
            TimeSpan.FromMinutes(10));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("hello from process 1", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains(result.StderrLines, line => line.StartsWith("cloak: MIPS", StringComparison.Ordinal));
        Assert.DoesNotContain("cloak: MIPS", result.StdoutText, StringComparison.Ordinal);
    }
}
