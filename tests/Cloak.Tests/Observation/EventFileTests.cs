using Cloak.Observation;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// <c>--events</c> (cloak.events/1, docs/events.md): every line of real runs' files is one JSON object
/// matching docs/schemas/events.schema.json; times are simulated and never go back; <c>--events-filter</c>
/// writes exactly the categories asked for, the bus only when asked, and refuses a name it does not know.
/// </summary>
[Collection(InstrumentedRunsCollection.Name)]
public sealed class EventFileTests(InstrumentedRuns runs)
{
    private static readonly string[] AllCategories = ["process", "sched", "syscall", "fault", "swap", "channel", "protocol", "adversary", "ear", "trp", "context", "integrity", "bus"];

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void Every_line_of_every_runs_event_file_matches_the_documented_schema(string run)
    {
        var (header, events) = ObservationFiles.ReadEvents(runs[run].EventsPath);

        ObservationFiles.AssertValid(ObservationFiles.EventsSchema, header, $"{run}: the header");
        Assert.Equal(AllCategories.Order(StringComparer.Ordinal), header.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
        for (int i = 0; i < events.Count; i++)
            ObservationFiles.AssertValid(ObservationFiles.EventsSchema, events[i], $"{run}: event {i + 1}");
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Events_are_in_simulated_time_order_in_nanoseconds_of_the_chips_clock(string run)
    {
        var chip = runs[run].Stats.GetProperty("configuration").GetProperty("chip");
        ulong clockHz = 10_000_000 * chip.GetProperty("hart").Count("cycles_per_timer_tick");
        ulong last = 0;

        foreach (var e in runs[run].Events)
        {
            ulong cycle = e.Count("cycle");
            Assert.True(cycle >= last, $"{run}: time went back to cycle {cycle} after {last}: {e}");
            Assert.Equal((ulong)((UInt128)cycle * 1_000_000_000 / clockHz), e.Count("ns"));
            last = cycle;
        }
        Assert.True(last > 0);
    }

    [Theory]
    [InlineData("os-plain", new[] { "process", "sched", "syscall", "fault", "channel" })]
    [InlineData("os-sealed", new[] { "process", "sched", "syscall", "fault", "channel", "ear", "trp", "context", "bus" })]
    [InlineData("os-swap", new[] { "process", "sched", "syscall", "fault", "swap", "ear", "trp", "context", "bus" })]
    [InlineData("demo-snoop", new[] { "process", "sched", "syscall", "fault", "channel", "protocol", "ear", "trp", "context", "bus" })]
    [InlineData("demo-tamper", new[] { "adversary", "integrity" })]
    [InlineData("demo-context", new[] { "context" })]
    public void A_run_writes_the_events_of_what_it_does(string run, string[] categories)
    {
        var seen = runs[run].Events.Select(e => e.Text("cat")).ToHashSet(StringComparer.Ordinal);

        Assert.All(categories, c => Assert.Contains(c, seen));
        if (run == "demo-context") Assert.Contains(runs[run].Events, e => e.Is("context", "refuse"));
    }

    [Fact]
    public async Task By_default_every_category_but_the_bus_is_written()
    {
        using var temp = new TempDirectory();
        string events = temp.File("events.jsonl");

        var result = await CliRunner.RunAsync("run", "--chip", runs.ChipKey, "--events", events, runs.SealedProgram("producer"), runs.SealedProgram("consumer"));

        CliAssert.ExitCode(0, result);
        var (header, lines) = ObservationFiles.ReadEvents(events);
        Assert.Equal(AllCategories.Where(c => c != "bus").Order(StringComparer.Ordinal), header.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(lines, e => e.Text("cat") == "bus");
        Assert.Contains(lines, e => e.Text("cat") == "trp");
    }

    [Theory]
    [InlineData("bus")]
    [InlineData("trp,ear")]
    [InlineData("process,syscall,context")]
    [InlineData("all")]
    public async Task The_filter_writes_exactly_the_categories_asked_for(string filter)
    {
        using var temp = new TempDirectory();
        string events = temp.File("events.jsonl");
        var asked = filter == "all" ? AllCategories : filter.Split(',');

        var result = await CliRunner.RunAsync("run", "--chip", runs.ChipKey, "--events", events, "--events-filter", filter, runs.SealedProgram("producer"), runs.SealedProgram("consumer"));

        CliAssert.ExitCode(0, result);
        var (header, lines) = ObservationFiles.ReadEvents(events);
        Assert.Equal(asked.Order(StringComparer.Ordinal), header.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
        var written = lines.Select(e => e.Text("cat")).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(asked.ToHashSet(StringComparer.Ordinal), written);
        // Each category asked for that this run has at all (no swap, adversary, protocol or integrity here).
        Assert.Superset(asked.Except(["swap", "adversary", "protocol", "integrity"]).ToHashSet(StringComparer.Ordinal), written);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    public async Task An_unknown_category_is_a_usage_error_naming_the_choices(string command)
    {
        using var temp = new TempDirectory();
        string[] program = command == "run" ? [GuestPrograms.Elf("user/hello.elf")] : [];

        var result = await CliRunner.RunAsync([command, "--events", temp.File("e.jsonl"), "--events-filter", "trp,bogus", .. program]);

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--events-filter", "'bogus'", string.Join(", ", AllCategories));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_filter_naming_no_category_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("run", "--events-filter", ",", GuestPrograms.Elf("user/hello.elf"));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--events-filter", "no category");
    }

    [Fact]
    public void The_documented_categories_are_the_recorders()
    {
        Assert.Equal(AllCategories, Enum.GetValues<EventCategory>().Select(RunEvent.Name));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Channel_messages_give_endpoints_and_length_only(string run)
    {
        foreach (var e in runs[run].Events.Where(e => e.Is("channel", "message")))
            Assert.Equal(["cat", "channel", "cycle", "dropped", "kind", "length", "ns", "pid", "process", "to"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Bus_events_give_an_address_and_a_key_context_only(string run)
    {
        var bus = runs[run].Events.Where(e => e.Text("cat") == "bus").ToList();

        Assert.All(bus, e => Assert.Equal(["address", "cat", "cycle", "key_context", "kind", "ns", "pid", "process"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.Equal(run != "os-plain", bus.Count > 0);
    }
}
