using Cloak.Experiments;

namespace Cloak.Tests.Experiments;

/// <summary>Run files (docs/run-files.md): what a valid one describes, and that every mistake names its line and key.</summary>
public class RunFileTests
{
    private const string Base = "/experiments";

    private static ExperimentSpec Parse(string text) => RunFile.Parse(text, "exp.toml", Base);

    private static string Refusal(string text) => Assert.Throws<RunFileException>(() => Parse(text)).Message;

    [Fact]
    public void A_complete_run_file_describes_processes_chip_os_attacks_and_outputs()
    {
        var spec = Parse("""
            version = 1

            [chip]
            key = "chip.key"
            memory = "authenticated"
            dcache = "16K"
            icache = 8192
            cache_ways = 4
            ear_entries = 96
            latency = { decrypt = 30, encrypt = 31, mac = 32, node = 33, context = 300 }

            [os]
            ram = "64M"
            swap = "1M"
            quantum = 20000
            seed = 7
            max_instructions = 5_000_000

            [[process]]
            file = "owner.sealed"
            args = ["m1", "2"]

            [[process]]
            file = "/abs/client.sealed"
            name = "client"

            [[attack]]
            spec = "snoop"

            [[attack]]
            kind = "tamper"
            victim = "client"
            target = "shared+8"
            at = "claim 2"

            [observe]
            secret = "SECRET"
            stats = true
            stats_json = "out/stats.json"
            events_filter = "all"
            """);

        Assert.Equal(Path.GetFullPath("/experiments/chip.key"), spec.ChipKey);
        Assert.True(spec.Authenticated);
        Assert.Equal(16UL << 10, spec.DataCacheBytes);
        Assert.Equal(8192UL, spec.InstructionCacheBytes);
        Assert.Equal(4, spec.CacheWays);
        Assert.Equal(96, spec.EarEntries);
        Assert.Equal("30,31,32,33,300", spec.Latency!.ToString());
        Assert.Equal(64UL << 20, spec.RamBytes);
        Assert.Equal(1UL << 20, spec.SwapBytes);
        Assert.Equal(20_000UL, spec.Quantum);
        Assert.Equal(7, spec.Seed);
        Assert.Equal(5_000_000, spec.MaxInstructions);
        Assert.Equal(2, spec.Processes.Count);
        Assert.Equal(Path.GetFullPath("/experiments/owner.sealed"), spec.Processes[0].File);
        Assert.Equal(["m1", "2"], spec.Processes[0].Arguments);
        Assert.Equal("/abs/client.sealed", spec.Processes[1].File);
        Assert.Equal("client", spec.Processes[1].Name);
        Assert.Equal([AttackKind.Snoop, AttackKind.Tamper], spec.Attacks.Select(a => a.Kind));
        Assert.Equal("client", spec.Attacks[1].Victim);
        Assert.Equal("claim 2", spec.Attacks[1].At!.Step);
        Assert.Equal("SECRET", spec.Secret);
        Assert.True(spec.Stats);
        Assert.Equal(Path.GetFullPath("/experiments/out/stats.json"), spec.StatsJson);
        Assert.Equal("all", spec.EventsFilter);
    }

    [Fact]
    public void Command_line_options_override_the_run_file_and_leave_the_rest()
    {
        var file = Parse("[chip]\nmemory = \"authenticated\"\ndcache = \"16K\"\n[[process]]\nfile = \"a.elf\"\n");
        var merged = file.With(new ExperimentSpec { Authenticated = false });

        Assert.False(merged.Authenticated);
        Assert.Equal(16UL << 10, merged.DataCacheBytes);
        Assert.Single(merged.Processes);
    }

    [Fact]
    public void The_engine_is_a_chip_key_and_the_command_line_engine_overrides_it()
    {
        var file = Parse("[chip]\nengine = \"interp\"\n[[process]]\nfile = \"a.elf\"\n");

        Assert.Equal(Cloak.Chip.Cpu.ExecutionEngine.Interpret, file.Engine);
        Assert.Equal(Cloak.Chip.Cpu.ExecutionEngine.Translate, file.With(new ExperimentSpec { Engine = Cloak.Chip.Cpu.ExecutionEngine.Translate }).Engine);
        Assert.Equal(Cloak.Chip.Cpu.ExecutionEngine.Interpret, file.With(new ExperimentSpec()).Engine);
    }

    [Theory]
    [InlineData("[chip]\nengine = \"fast\"\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [chip] engine: 'fast': choose translate or interp")]
    [InlineData("[chip]\ndcahe = \"16K\"\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [chip] dcahe: unknown key")]
    [InlineData("[chip]\ndcache = \"16X\"\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [chip] dcache: '16X' is not a size")]
    [InlineData("[chip]\ncache_ways = \"8\"\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [chip] cache_ways: expected an integer, found a string")]
    [InlineData("[chip]\nmemory = \"secret\"\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [chip] memory: 'secret': choose confidentiality or authenticated")]
    [InlineData("[os]\nquantum = 0\n[[process]]\nfile = \"a\"\n", "exp.toml:2: [os] quantum: must be at least 1")]
    [InlineData("[[process]]\nargs = [\"x\"]\n", "exp.toml:1: [[process]] needs file")]
    [InlineData("[[process]]\nfile = \"a\"\nargs = [1]\n", "exp.toml:3: [process] args: every argument must be a string")]
    [InlineData("[[process]]\nfile = \"a\"\n[[attack]]\nspec = \"tamper:client\"\n", "exp.toml:3: [[attack]] tamper needs a target")]
    [InlineData("version = 2\n[[process]]\nfile = \"a\"\n", "exp.toml:1: version: version 2 is not supported")]
    [InlineData("[chips]\n", "exp.toml:1: unknown table [chips]")]
    [InlineData("[process]\nfile = \"a\"\n", "exp.toml:1: write [[process]]")]
    [InlineData("[chip]\nways = \n", "exp.toml:2: not valid TOML")]
    [InlineData("[chip]\nmemory = \"authenticated\"\n", "exp.toml: no [[process]]")]
    public void A_mistake_is_refused_with_its_line_table_and_key(string text, string message)
    {
        Assert.StartsWith(message, Refusal(text), StringComparison.Ordinal);
    }

    // Found by fuzzing (docs/reliability.md; the inputs are fuzz/corpora/runfile/crash-*): Tomlyn threw
    // instead of reporting, and the exception escaped RunFile.Parse.

    [Fact]
    public void A_string_cut_off_by_a_backslash_at_the_end_of_the_file_is_refused_as_not_TOML()
    {
        Assert.Equal("exp.toml: not valid TOML: a broken escape sequence (such as a '\\' at the very end of the file)",
            Refusal("version = 1\nx = \"abc\\"));
    }

    [Fact]
    public void Arrays_nested_deeper_than_the_TOML_reader_allows_are_refused_as_not_TOML()
    {
        string text = "version = 1\n[observe]\nsecret = " + new string('[', 70) + new string(']', 70) + "\n";

        Assert.StartsWith("exp.toml: not valid TOML: The maximum depth of 64 has been exceeded", Refusal(text), StringComparison.Ordinal);
    }
}
