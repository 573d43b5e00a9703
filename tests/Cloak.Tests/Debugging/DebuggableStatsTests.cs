using System.Text.Json;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>
/// <c>--stats</c> and <c>--stats-json</c> say which processes run an image sealed debuggable (issue 12:
/// "everyone can see that it was"): the text adds a line per such process, the JSON a
/// <c>debuggable</c> field per process (docs/stats.md). The same program sealed without the flag is the contrast.
/// </summary>
public sealed class DebuggableStatsTests : IClassFixture<GdbTests.SealedDebuggee>
{
    private const string StatsLine = "cloak: process 1 (debuggee) is debuggable (sealed with --debuggable: a debugger sees its registers and plaintext)";

    private readonly GdbTests.SealedDebuggee _sealed;

    public DebuggableStatsTests(GdbTests.SealedDebuggee sealedDebuggee) => _sealed = sealedDebuggee;

    private async Task<(ProcessResult Result, JsonElement Process)> RunWithStatsAsync(string image, string statsFile)
    {
        var result = await CliRunner.RunInAsync(_sealed.Path, "run", "--chip", "chip.key", "--stats", "--stats-json", statsFile, image);
        CliAssert.ExitCode(7, result);   // the debuggee exits 7
        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_sealed.Path, statsFile)));
        var processes = stats.RootElement.GetProperty("processes");
        Assert.Equal(1, processes.GetArrayLength());
        return (result, processes[0].Clone());
    }

    [Fact]
    public async Task The_stats_of_a_run_say_that_a_process_sealed_debuggable_is_debuggable()
    {
        var (result, process) = await RunWithStatsAsync("debuggable/debuggee.sealed", "debuggable.stats.json");
        Assert.Contains(StatsLine, result.StderrLines);
        Assert.True(process.GetProperty("sealed").GetBoolean());
        Assert.True(process.GetProperty("debuggable").GetBoolean());
    }

    [Fact]
    public async Task The_stats_of_a_run_of_the_same_program_sealed_without_the_flag_say_nothing_of_the_kind()
    {
        var (result, process) = await RunWithStatsAsync("debuggee.sealed", "sealed.stats.json");
        Assert.DoesNotContain("debuggable", result.Stderr, StringComparison.Ordinal);
        Assert.True(process.GetProperty("sealed").GetBoolean());
        Assert.False(process.GetProperty("debuggable").GetBoolean());
    }
}
