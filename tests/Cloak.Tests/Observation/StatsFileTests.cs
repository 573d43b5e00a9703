using System.Text.Json;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// <c>--stats-json</c> (cloak.stats/1, docs/stats.md) from real runs: the file matches
/// docs/schemas/stats.schema.json, and its numbers agree with each other and with the run's event
/// file (a second account of the same run, written by another path through the recorder).
/// </summary>
[Collection(InstrumentedRunsCollection.Name)]
public sealed class StatsFileTests(InstrumentedRuns runs)
{
    /// <summary>Counters that only happen while a process runs on the hart, so the processes' shares add up to the machine's total.</summary>
    private static readonly string[] CountersOfSlices =
        ["lines_decrypted", "fresh_lines", "mac_checks", "mac_failures", "context_seals", "context_unseals", "integrity_faults", "trp_instructions", "ear_lookups", "bus_lines_read"];

    /// <summary>
    /// Counters a write-back adds to: a line written back when the run ends (the final cache flush) or
    /// evicted while no process runs belongs to nobody, so the processes' shares add up to at most the total.
    /// </summary>
    private static readonly string[] CountersOfWriteBacks = ["lines_encrypted", "mac_writes", "tree_nodes", "bus_lines_written"];

    private static readonly string[] RegionCounters = ["lines_decrypted", "lines_encrypted", "fresh_lines", "mac_checks", "mac_writes", "mac_failures", "tree_nodes"];

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void Every_runs_stats_file_matches_the_documented_schema(string run)
    {
        ObservationFiles.AssertValid(ObservationFiles.StatsSchema, runs[run].Stats, $"{run}: {runs[run].StatsPath}");
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void The_outcome_states_the_exit_code_the_command_returned(string run)
    {
        var outcome = runs[run].Stats.GetProperty("outcome");

        Assert.Equal(runs[run].Result.ExitCode, outcome.GetProperty("exit_code").GetInt32());
        Assert.False(outcome.GetProperty("interrupted").GetBoolean());
        Assert.Equal(run.StartsWith("demo", StringComparison.Ordinal), outcome.TryGetProperty("verdict", out _));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_processes_instructions_add_up_to_the_total(string run)
    {
        var stats = runs[run].Stats;
        var processes = stats.GetProperty("processes").EnumerateArray().ToList();

        Assert.NotEmpty(processes);
        Assert.Equal(stats.GetProperty("totals").Count("instructions"), Sum(processes, p => p.Count("instructions")));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void Every_cycle_breakdown_follows_the_timing_model_and_adds_up_to_its_total(string run)
    {
        var stats = runs[run].Stats;
        var latency = stats.GetProperty("configuration").GetProperty("chip").GetProperty("security").GetProperty("latency");
        var owners = new List<(string, JsonElement)> { ("totals", stats.GetProperty("totals")) };
        owners.AddRange(stats.GetProperty("processes").EnumerateArray().Select(p => ($"process {p.Count("pid")}", p)));

        foreach (var (who, owner) in owners)
        {
            var cycles = owner.GetProperty("cycles");
            var crypto = owner.GetProperty("crypto");
            var cache = owner.GetProperty("cache");
            Assert.Equal(owner.Count("instructions"), cycles.Count("core"));
            // Decryption is charged only for protected fills that reached DRAM and trp.enter's conversion: at most one decrypt
            // latency per line decrypted, read as fresh zeros (the model charges those like any fill) or refused by its MAC.
            ulong fills = crypto.Count("lines_decrypted") + crypto.Count("fresh_lines") + crypto.Count("mac_failures");
            Assert.True(cycles.Count("decrypt") <= fills * latency.Count("decrypt_line_cycles"), $"{run}, {who}: {cycles} {crypto}");
            // A line that came from DRAM cost cache cycles.
            if (cache.Count("l2_misses") > 0) Assert.True(cycles.Count("cache") > 0, $"{run}, {who}: {cycles} {cache}");
            if (crypto.Count("mac_checks") + crypto.Count("mac_writes") == 0) Assert.Equal(0UL, cycles.Count("mac"));
            Assert.Equal((crypto.Count("context_seals") + crypto.Count("context_unseals")) * latency.Count("context_cycles"), cycles.Count("context"));
            ulong parts = new[] { "core", "cache", "decrypt", "encrypt", "mac", "tree", "context" }.Aggregate(0UL, (sum, part) => sum + cycles.Count(part));
            Assert.True(parts <= cycles.Count("total"), $"{run}, {who}: the parts ({parts}) exceed the total: {cycles}");
            Assert.Equal(cycles.Count("total"), parts + cycles.Count("other"));
        }
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_processes_cycles_add_up_to_at_most_the_total(string run)
    {
        var stats = runs[run].Stats;

        ulong processes = Sum(stats.GetProperty("processes").EnumerateArray(), p => p.GetProperty("cycles").Count("total"));

        Assert.True(processes <= stats.GetProperty("totals").GetProperty("cycles").Count("total"));
        Assert.True(processes > 0);
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_processes_chip_counters_add_up_to_the_machines(string run)
    {
        var stats = runs[run].Stats;
        var totals = stats.GetProperty("totals");
        var processes = stats.GetProperty("processes").EnumerateArray().ToList();

        foreach (string counter in CountersOfSlices)
            Assert.True(totals.GetProperty("crypto").Count(counter) == Sum(processes, p => p.GetProperty("crypto").Count(counter)), $"{run}: crypto.{counter}");
        foreach (string counter in CountersOfWriteBacks)
            Assert.True(totals.GetProperty("crypto").Count(counter) >= Sum(processes, p => p.GetProperty("crypto").Count(counter)), $"{run}: crypto.{counter}");
        foreach (string counter in new[] { "data_hits", "data_misses", "instruction_misses" })
            Assert.True(totals.GetProperty("cache").Count(counter) == Sum(processes, p => p.GetProperty("cache").Count(counter)), $"{run}: cache.{counter}");
        Assert.True(totals.GetProperty("cache").Count("data_write_backs") >= Sum(processes, p => p.GetProperty("cache").Count("data_write_backs")));
        foreach (string counter in new[] { "context_switches", "syscalls", "page_faults", "swap_ins" })
            Assert.True(totals.Count(counter) == Sum(processes, p => p.Count(counter)), $"{run}: {counter}");
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_regions_traffic_adds_up_to_the_chips_totals(string run)
    {
        var stats = runs[run].Stats;
        var crypto = stats.GetProperty("totals").GetProperty("crypto");
        var regions = stats.GetProperty("regions").EnumerateArray().ToList();

        foreach (string counter in RegionCounters)
            Assert.True(crypto.Count(counter) == Sum(regions, r => r.Count(counter)), $"{run}: {counter}: total {crypto.Count(counter)}, regions {Sum(regions, r => r.Count(counter))}");
        foreach (var r in regions)
        {
            Assert.Equal(r.Count("lines_decrypted") * 64, r.Count("bytes_decrypted"));
            Assert.Equal(r.Count("lines_encrypted") * 64, r.Count("bytes_encrypted"));
            var cycles = r.GetProperty("protection_cycles");
            Assert.Equal(cycles.Count("total"), cycles.Count("memory") + cycles.Count("decrypt") + cycles.Count("encrypt") + cycles.Count("mac") + cycles.Count("tree"));
        }
        // The regions' cycles are the protection parts of the totals (plain lines add to "cache" only, which no region owns).
        var totals = stats.GetProperty("totals").GetProperty("cycles");
        foreach (var (part, total) in new[] { ("decrypt", "decrypt"), ("encrypt", "encrypt"), ("mac", "mac"), ("tree", "tree") })
            Assert.True(Sum(regions, r => r.GetProperty("protection_cycles").Count(part)) == totals.Count(total),
                $"{run}: {part}: regions {Sum(regions, r => r.GetProperty("protection_cycles").Count(part))}, total {totals.Count(total)}");
        Assert.True(Sum(regions, r => r.GetProperty("protection_cycles").Count("memory")) <= totals.Count("cache"));
    }

    [Theory]
    [InlineData("os-sealed")]
    [InlineData("os-swap")]
    [InlineData("demo-snoop")]
    public void A_run_of_sealed_programs_has_regions_and_protected_processes(string run)
    {
        var stats = runs[run].Stats;

        Assert.NotEmpty(stats.GetProperty("regions").EnumerateArray());
        Assert.All(stats.GetProperty("processes").EnumerateArray(), p => Assert.True(p.GetProperty("sealed").GetBoolean() && p.GetProperty("protected").GetBoolean()));
        Assert.True(stats.GetProperty("totals").GetProperty("crypto").Count("lines_decrypted") > 0);
    }

    [Fact]
    public void A_bare_metal_run_has_no_processes_no_regions_and_a_rate()
    {
        var stats = runs["bare-metal"].Stats;

        Assert.Equal("bare-metal", stats.Text("mode"));
        Assert.Empty(stats.GetProperty("processes").EnumerateArray());
        Assert.Empty(stats.GetProperty("regions").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, stats.GetProperty("totals").GetProperty("mips").ValueKind); // primes: 10.8 M instructions
        Assert.Equal("exited", stats.GetProperty("outcome").Text("end"));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_processes_counts_agree_with_their_events(string run)
    {
        var stats = runs[run].Stats;
        var events = runs[run].Events;

        foreach (var p in stats.GetProperty("processes").EnumerateArray())
        {
            ulong pid = p.Count("pid");
            var own = events.Where(e => e.Count("pid") == pid).ToList();
            string who = $"{run}, pid {pid}";
            Assert.True(p.Count("page_faults") == (ulong)own.Count(e => e.Is("fault", "page-fault")), $"{who}: page faults");
            Assert.True(p.Count("context_switches") == (ulong)own.Count(e => e.Is("sched", "switch")), $"{who}: switches");
            Assert.True(p.Count("messages_sent") == (ulong)own.Count(e => e.Is("channel", "message")), $"{who}: messages");
            Assert.True(p.Count("bytes_sent") == Sum(own.Where(e => e.Is("channel", "message")), e => e.Count("length")), $"{who}: bytes sent");
            Assert.True(p.Count("notes") == (ulong)own.Count(e => e.Is("protocol", "note")), $"{who}: notes");
            Assert.True(p.Count("integrity_faults") == (ulong)own.Count(e => e.Is("integrity", "integrity-fault")), $"{who}: integrity faults");
            Assert.True(p.GetProperty("ear").Count("added") == (ulong)own.Count(e => e.Is("ear", "ear-add")), $"{who}: EAR entries added");
            Assert.True(p.GetProperty("ear").Count("removed") == (ulong)own.Count(e => e.Is("ear", "ear-remove")), $"{who}: EAR entries removed");
            Assert.True(p.GetProperty("crypto").Count("context_seals") == (ulong)own.Count(e => e.Is("context", "seal")), $"{who}: seals");
            Assert.True(p.GetProperty("crypto").Count("context_unseals") == (ulong)own.Count(e => e.Is("context", "resume")), $"{who}: resumes");
            Assert.True(p.GetProperty("crypto").Count("bus_lines_read") == (ulong)own.Count(e => e.Is("bus", "line-read")), $"{who}: bus lines read");
            // A call that blocks is counted at every attempt and written once, when it returns; exit never returns.
            Assert.True(p.Count("syscalls") >= (ulong)own.Count(e => e.Is("syscall", "syscall")), $"{who}: syscalls");
            var exit = Assert.Single(own, e => e.Is("process", "exit"));
            Assert.Equal(p.GetProperty("exit_code").GetInt32(), exit.GetProperty("exit_code").GetInt32());
            Assert.Equal(p.GetProperty("kill_reason").GetString(), exit.GetProperty("kill_reason").GetString());
            Assert.Single(own, e => e.Is("process", "start"));
        }
        var totals = stats.GetProperty("totals");
        Assert.Equal(totals.GetProperty("crypto").Count("bus_lines_read"), (ulong)events.Count(e => e.Is("bus", "line-read")));
        Assert.Equal(totals.GetProperty("crypto").Count("bus_lines_written"), (ulong)events.Count(e => e.Is("bus", "line-write")));
        Assert.Equal(totals.Count("adversary_actions"), (ulong)events.Count(e => e.Is("adversary", "action")));
        Assert.Equal(totals.Count("swap_outs"), (ulong)events.Count(e => e.Is("swap", "swap-out")));
        Assert.Equal(totals.Count("swap_ins"), (ulong)events.Count(e => e.Is("swap", "swap-in")));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_TRP_counts_of_each_process_are_its_trp_events(string run)
    {
        var stats = runs[run].Stats;
        var events = runs[run].Events;

        foreach (var p in stats.GetProperty("processes").EnumerateArray())
        {
            var counted = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var op in p.GetProperty("trp").EnumerateObject())
                foreach (var outcome in op.Value.EnumerateObject())
                    counted[$"{op.Name} {outcome.Name}"] = outcome.Value.GetUInt64();
            var seen = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var e in events.Where(e => e.Is("trp", "trp") && e.Count("pid") == p.Count("pid")))
            {
                string key = $"{e.Text("op")} {e.GetProperty("status").GetString() ?? e.Text("fault")}";
                seen[key] = seen.GetValueOrDefault(key) + 1;
            }

            Assert.Equal(seen, counted);
            // The chip counts every attempt, a trp.enter restarted after a page fault included.
            Assert.True(p.GetProperty("crypto").Count("trp_instructions") >= Sum(counted.Values, v => v), $"{run}, pid {p.Count("pid")}");
        }
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Every_ear_add_events_region_is_in_the_stats_regions(string run)
    {
        var regions = runs[run].Stats.GetProperty("regions").EnumerateArray()
            .ToDictionary(r => (r.Count("region_id"), r.Count("instance")));
        var added = runs[run].Events.Where(e => e.Is("ear", "ear-add")).ToList();

        Assert.Equal(run != "os-plain", added.Count > 0);
        foreach (var e in added)
        {
            Assert.True(regions.TryGetValue((e.Count("region"), e.Count("instance")), out var region), $"{run}: region {e.Count("region")}/{e.Count("instance")} of {e} is missing");
            Assert.Equal(e.Text("region_kind"), region.Text("kind"));
            Assert.Contains(region.GetProperty("processes").EnumerateArray(), pid => pid.GetUInt64() == e.Count("pid"));
        }
        Assert.Equal(regions.Count, added.Select(e => (e.Count("region"), e.Count("instance"))).Distinct().Count());
    }

    private static ulong Sum<T>(IEnumerable<T> items, Func<T, ulong> value) => items.Aggregate(0UL, (sum, item) => sum + value(item));
}
