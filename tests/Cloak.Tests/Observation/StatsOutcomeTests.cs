using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// The stats file's "outcome" for runs that do not simply exit: the end named as docs/stats.md
/// lists it, and the exit code the command returned (before this, a bare-metal fault or instruction
/// limit was written as exit code 0).
/// </summary>
public sealed class StatsOutcomeTests
{
    [Theory]
    [InlineData("bare-metal", "instruction-limit", 124)]
    [InlineData("os", "instruction-limit", 124)]
    [InlineData("bare-metal", "guest-fault", 126)]
    [InlineData("bare-metal", "exited", 7)]
    [InlineData("os", "all-exited", 139)]
    public async Task The_outcome_names_the_end_and_the_exit_code_the_command_returned(string mode, string end, int code)
    {
        using var temp = new TempDirectory();
        string stats = temp.File("stats.json");
        string program = (mode, end) switch
        {
            ("bare-metal", "guest-fault") => GuestPrograms.FaultElf("store_to_address_zero"),
            ("bare-metal", "exited") => GuestPrograms.CTestElf("exit_code_seven"),
            ("bare-metal", _) => GuestPrograms.ExampleElf("sha256"),
            (_, "all-exited") => GuestPrograms.Elf("tests/user/segfault.elf"),
            _ => GuestPrograms.Elf("tests/user/slow_lines.elf"),
        };
        string[] limit = end == "instruction-limit" ? ["--max-instructions", "100000"] : [];

        var result = await CliRunner.RunAsync(["run", "--stats-json", stats, .. limit, program]);

        CliAssert.ExitCode(code, result);
        var statistics = ObservationFiles.ReadStats(stats);
        ObservationFiles.AssertValid(ObservationFiles.StatsSchema, statistics, "the stats");
        var outcome = statistics.GetProperty("outcome");
        Assert.Equal(end, outcome.Text("end"));
        Assert.Equal(code, outcome.GetProperty("exit_code").GetInt32());
        Assert.False(outcome.GetProperty("interrupted").GetBoolean());
        Assert.Equal(code is 124 or 126, outcome.TryGetProperty("message", out _));
    }
}
