using System.Text.Json.Nodes;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// <c>cloak run --engine interp|translate</c>: the translator must not change what a sealed program
/// costs in the model. The instruction cache's decryptions, the data cache, the memory encryption unit
/// and the simulated cycles are counted by the same code either way, so the two runs' statistics must
/// agree in every field but the host's own (time, MIPS), the engine's name and the region ids a run
/// draws at random.
/// </summary>
public sealed class CliEngineTests
{
    private static readonly string[] RunDependent = ["host_seconds", "mips", "engine", "region_id"];

    [Fact]
    public async Task A_sealed_run_reports_the_same_statistics_translated_as_interpreted()
    {
        using var temp = new TempDirectory();
        string chip = temp.File("chip");
        string sealedProgram = temp.File("crc32.sealed");
        CliAssert.ExitCode(0, await CliRunner.RunAsync("keygen", "-o", chip));
        CliAssert.ExitCode(0, await CliRunner.RunAsync("seal", GuestPrograms.Elf("bench/user/crc32.elf"), "--chip", chip + ".pub", "-o", sealedProgram));

        var interpreted = await SealedRun("interp");
        var translated = await SealedRun("translate");

        Assert.Equal("interpret", interpreted["configuration"]!["chip"]!["hart"]!["engine"]!.GetValue<string>());
        Assert.Equal("translate", translated["configuration"]!["chip"]!["hart"]!["engine"]!.GetValue<string>());
        // Something to compare: the sealed process decrypted code and data and paid for it in cycles.
        var process = interpreted["processes"]![0]!;
        Assert.True(process["sealed"]!.GetValue<bool>());
        Assert.True(process["cache"]!["instruction_misses"]!.GetValue<long>() > 0);
        Assert.True(process["cycles"]!["decrypt"]!.GetValue<long>() > 0);
        Assert.Equal(Canonical(interpreted), Canonical(translated));

        async Task<JsonObject> SealedRun(string engine)
        {
            string stats = temp.File(engine + ".json");
            var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(180),
                "run", "--engine", engine, "--chip", chip + ".key", "--auth", "--max-instructions", "3000000", "--stats-json", stats, sealedProgram);
            CliAssert.ExitCode(124, result);
            return JsonNode.Parse(File.ReadAllText(stats))!.AsObject();
        }
    }

    [Fact]
    public async Task An_unknown_engine_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("run", "--engine", "fast", GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "fast");
    }

    /// <summary>
    /// The JSON with the run-dependent fields removed wherever they occur, and arrays compared as sets
    /// (the regions are listed by their random ids).
    /// </summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Where(p => !RunDependent.Contains(p.Key)).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical).Order(StringComparer.Ordinal)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
