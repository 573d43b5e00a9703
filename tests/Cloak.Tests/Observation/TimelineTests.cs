using System.Text.Json;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// <c>--timeline</c> (docs/events.md, "Timeline"): real runs' files are Chrome trace-event JSON as
/// Perfetto UI and chrome://tracing read it (a traceEvents array; every event with ph, pid, tid and ts;
/// durations never negative; each flow's start and end paired by id), with a track for the OS, the
/// adversary, the bus and each process, protocol steps as slices and channel messages as arrows.
/// </summary>
[Collection(InstrumentedRunsCollection.Name)]
public sealed class TimelineTests(InstrumentedRuns runs)
{
    private const int OsTrack = 1, AdversaryTrack = 2, BusTrack = 3;

    private static List<JsonElement> TraceEvents(string path)
    {
        var root = ObservationFiles.ReadStats(path); // one JSON document
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal("cloak.timeline/1", root.GetProperty("otherData").Text("schema"));
        return [.. root.GetProperty("traceEvents").EnumerateArray()];
    }

    private List<JsonElement> TraceEventsOf(string run) => TraceEvents(runs[run].TimelinePath);

    private static int ProcessTrack(ulong pid) => 100 + 2 * (int)pid;
    private static int StepTrack(ulong pid) => 101 + 2 * (int)pid;

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void Every_runs_timeline_is_trace_event_json(string run)
    {
        var events = TraceEventsOf(run);

        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            foreach (string field in new[] { "ph", "pid", "tid", "ts", "name" })
                Assert.True(e.TryGetProperty(field, out _), $"{run}: no \"{field}\" in {e}");
            string ph = e.Text("ph");
            Assert.Contains(ph, new[] { "M", "X", "i", "s", "f", "C" });
            Assert.True(e.GetProperty("ts").GetDouble() >= 0, $"{run}: {e}");
            if (ph == "X") Assert.True(e.GetProperty("dur").GetDouble() >= 0, $"{run}: {e}");
            if (ph == "i") Assert.Contains(e.Text("s"), new[] { "t", "p", "g" });
            if (ph == "C") Assert.All(e.GetProperty("args").EnumerateObject(), a => Assert.Equal(JsonValueKind.Number, a.Value.ValueKind));
        }
        var flows = events.Where(e => e.Text("ph") is "s" or "f").GroupBy(e => e.GetProperty("id").GetInt64()).ToList();
        foreach (var flow in flows)
        {
            var start = Assert.Single(flow, e => e.Text("ph") == "s");
            var end = Assert.Single(flow, e => e.Text("ph") == "f");
            Assert.True(end.GetProperty("ts").GetDouble() >= start.GetProperty("ts").GetDouble(), $"{run}: flow {flow.Key} ends before it starts");
        }
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.Rows), MemberType = typeof(InstrumentedRuns))]
    public void The_timeline_has_tracks_for_the_OS_the_adversary_the_bus_and_each_process(string run)
    {
        var names = TraceEventsOf(run).Where(e => e.Text("ph") == "M" && e.Text("name") == "thread_name")
            .GroupBy(e => e.GetProperty("tid").GetInt32())
            .ToDictionary(g => g.Key, g => g.Last().GetProperty("args").Text("name")); // the viewers take the last name

        Assert.Equal("OS (kernel)", names[OsTrack]);
        Assert.Equal("adversary", names[AdversaryTrack]);
        Assert.Equal("memory bus", names[BusTrack]);
        var processes = runs[run].Stats.GetProperty("processes").EnumerateArray().ToList();
        foreach (var p in processes)
        {
            string label = $"{p.Text("name")} (pid {p.Count("pid")})";
            Assert.Equal(label, names[ProcessTrack(p.Count("pid"))]);
            Assert.Equal($"{label}: protocol steps", names[StepTrack(p.Count("pid"))]);
        }
        Assert.Equal(3 + 2 * processes.Count, names.Count);
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Each_run_slice_is_a_slice_on_its_processs_track(string run)
    {
        var slices = TraceEventsOf(run).Where(e => e.Text("ph") == "X" && e.Text("cat") == "sched").ToList();
        var events = runs[run].Events.Where(e => e.Is("sched", "slice")).ToList();

        Assert.Equal(events.Count, slices.Count);
        foreach (var (slice, e) in slices.Zip(events))
        {
            Assert.Equal(ProcessTrack(e.Count("pid")), slice.GetProperty("tid").GetInt32());
            Assert.Equal(e.GetProperty("protected").GetBoolean() ? "run (protected)" : "run", slice.Text("name"));
            Assert.Equal(e.Count("start_cycle"), slice.GetProperty("args").Count("start_cycle"));
        }
    }

    [Theory]
    [InlineData("demo-snoop")]
    [InlineData("demo-tamper")]
    public void A_demos_protocol_steps_are_slices_on_each_processs_step_track(string run)
    {
        var steps = TraceEventsOf(run).Where(e => e.Text("ph") == "X" && e.Text("cat") == "protocol").ToList();
        var notes = runs[run].Events.Where(e => e.Is("protocol", "note")).ToList();

        Assert.True(notes.Count > 10, $"{run}: only {notes.Count} notes");
        Assert.Equal(notes.Count, steps.Count);
        foreach (var group in notes.GroupBy(n => n.Count("pid")))
        {
            var mine = steps.Where(s => s.GetProperty("tid").GetInt32() == StepTrack(group.Key)).OrderBy(s => s.GetProperty("ts").GetDouble()).ToList();
            Assert.Equal(group.Select(n => n.Text("topic")), mine.Select(s => s.Text("name")));
            Assert.Equal(group.Select(n => n.Text("text")), mine.Select(s => s.GetProperty("args").Text("text")));
            Assert.Contains(mine, s => s.Text("name").StartsWith("claim ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void Each_delivered_channel_message_is_an_arrow_from_the_senders_track_to_the_receivers(string run)
    {
        var trace = TraceEventsOf(run);
        var starts = trace.Where(e => e.Text("ph") == "s").ToList();
        var ends = trace.Where(e => e.Text("ph") == "f").ToDictionary(e => e.GetProperty("id").GetInt64());
        var delivered = runs[run].Events.Where(e => e.Is("channel", "message") && e.Count("to") != 0 && !e.GetProperty("dropped").GetBoolean()).ToList();

        Assert.Equal(delivered.Count, starts.Count);
        Assert.Equal(run != "os-swap", delivered.Count > 0);
        foreach (var (start, message) in starts.Zip(delivered))
        {
            Assert.Equal(ProcessTrack(message.Count("pid")), start.GetProperty("tid").GetInt32());
            Assert.Equal(ProcessTrack(message.Count("to")), ends[start.GetProperty("id").GetInt64()].GetProperty("tid").GetInt32());
        }
    }

    [Theory]
    [MemberData(nameof(InstrumentedRuns.OsRows), MemberType = typeof(InstrumentedRuns))]
    public void The_bus_counter_adds_up_to_the_protected_lines_moved(string run)
    {
        var samples = TraceEventsOf(run).Where(e => e.Text("ph") == "C").ToList();
        var crypto = runs[run].Stats.GetProperty("totals").GetProperty("crypto");

        Assert.All(samples, s => Assert.Equal(BusTrack, s.GetProperty("tid").GetInt32()));
        Assert.Equal(crypto.Count("bus_lines_read"), samples.Aggregate(0UL, (sum, s) => sum + s.GetProperty("args").Count("read")));
        Assert.Equal(crypto.Count("bus_lines_written"), samples.Aggregate(0UL, (sum, s) => sum + s.GetProperty("args").Count("written")));
        // After a burst the counter comes back to zero, so the last sample is a zero.
        if (samples.Count > 0) Assert.Equal(0UL, samples[^1].GetProperty("args").Count("read") + samples[^1].GetProperty("args").Count("written"));
    }

    [Fact]
    public void An_adversarys_action_is_an_instant_on_the_adversarys_track()
    {
        var actions = TraceEventsOf("demo-tamper").Where(e => e.GetProperty("tid").GetInt32() == AdversaryTrack && e.Text("ph") == "i").ToList();
        var events = runs["demo-tamper"].Events.Where(e => e.Is("adversary", "action")).ToList();

        Assert.NotEmpty(events);
        Assert.Equal(events.Select(e => e.Text("action")), actions.Select(a => a.Text("name")));
    }
}
