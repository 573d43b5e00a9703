using System.Text.Json;

namespace Cloak.Observation;

/// <summary>
/// <c>--timeline FILE</c>: the run in the Chrome trace-event JSON format that Perfetto UI
/// (ui.perfetto.dev) and chrome://tracing open. One track per process (its run slices, system calls,
/// faults, TRP instructions and EAR changes), one per process for the protocol steps it announced (each
/// step a slice lasting until its next), one for the OS, one for the adversary, and a counter for the
/// bus; channel messages are flow arrows from the sender's track to the receiver's. Times are
/// simulated, in microseconds (docs/events.md, "Timeline").
/// </summary>
public sealed class TimelineWriter : IRunEventSink, IDisposable
{
    public const string Schema = "cloak.timeline/1";
    private const int MachinePid = 1, OsTrack = 1, AdversaryTrack = 2, BusTrack = 3;
    private const ulong BusBucketNanoseconds = 10_000;

    private readonly Stream _stream;
    private readonly Utf8JsonWriter _w;
    /// <summary>Process tracks written so far, and whether they have their process's name yet (a message's receiver may appear before it has an event of its own).</summary>
    private readonly Dictionary<int, bool> _tracks = [];
    private readonly Dictionary<int, (string Name, ulong Start, string Text)> _openSteps = [];
    private ulong _busBucket = ulong.MaxValue, _busReads, _busWrites, _lastNanoseconds;
    private long _flow;

    public TimelineWriter(Stream stream)
    {
        _stream = stream;
        _w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _w.WriteStartObject();
        _w.WriteString("displayTimeUnit", "ns");
        _w.WriteStartObject("otherData");
        _w.WriteString("schema", Schema);
        _w.WriteString("time", "simulated microseconds");
        _w.WriteEndObject();
        _w.WriteStartArray("traceEvents");
        Metadata("process_name", MachinePid, 0, "Cloak run");
        Thread(OsTrack, "OS (kernel)", 0);
        Thread(AdversaryTrack, "adversary", 1);
        Thread(BusTrack, "memory bus", 2);
    }

    public IReadOnlySet<EventCategory> Categories { get; } = new HashSet<EventCategory>
    {
        EventCategory.Process, EventCategory.Sched, EventCategory.Syscall, EventCategory.Fault, EventCategory.Swap, EventCategory.Channel,
        EventCategory.Protocol, EventCategory.Adversary, EventCategory.Ear, EventCategory.Trp, EventCategory.Context, EventCategory.Integrity,
        EventCategory.Bus,
    };

    private static int ProcessTrack(int pid) => 100 + 2 * pid;
    private static int StepTrack(int pid) => 101 + 2 * pid;
    private static double Micros(ulong nanoseconds) => nanoseconds / 1000.0;

    public void Write(RunEvent e)
    {
        _lastNanoseconds = Math.Max(_lastNanoseconds, e.Nanoseconds);
        if (e.Pid != 0) Track(e.Pid, e.Process);
        WriteEvent(e);
        // The writer keeps what it has not flushed in memory: hand it to the stream now and then.
        if (_w.BytesPending > 1 << 16) _w.Flush();
    }

    /// <summary>Names the tracks of process <paramref name="pid"/> (again, once its name is known: the last name wins in the viewers).</summary>
    private void Track(int pid, string? name)
    {
        bool named = name is not null;
        if (_tracks.TryGetValue(pid, out bool wasNamed) && (wasNamed || !named)) return;
        _tracks[pid] = named;
        string label = named ? $"{name} (pid {pid})" : $"pid {pid}";
        Thread(ProcessTrack(pid), label, 10 + 2 * pid);
        Thread(StepTrack(pid), $"{label}: protocol steps", 11 + 2 * pid);
    }

    private void WriteEvent(RunEvent e)
    {
        switch (e.Category)
        {
            case EventCategory.Sched when e.Kind == "slice":
            {
                ulong start = Convert.ToUInt64(e["start_cycle"]), end = Convert.ToUInt64(e["end_cycle"]);
                double scale = e.Cycle == 0 ? 0 : (double)e.Nanoseconds / e.Cycle;
                Complete(ProcessTrack(e.Pid), (bool)e["protected"]! ? "run (protected)" : "run", "sched",
                    start * scale / 1000.0, Math.Max(0.001, (end - start) * scale / 1000.0), e);
                break;
            }
            case EventCategory.Sched:
                break; // switches show as the slices' boundaries
            case EventCategory.Protocol:
                CloseStep(e.Pid, e.Nanoseconds);
                _openSteps[e.Pid] = ((string)e["topic"]! is { Length: > 0 } topic ? topic : "note", e.Nanoseconds, (string)e["text"]!);
                break;
            case EventCategory.Channel:
                Message(e);
                break;
            case EventCategory.Adversary:
                Instant(AdversaryTrack, (string)e["action"]!, "adversary", e);
                break;
            case EventCategory.Swap:
                Instant(OsTrack, e.Kind, "swap", e);
                break;
            case EventCategory.Bus:
                Bus(e);
                break;
            case EventCategory.Context when e.Kind is "seal" or "resume":
                break; // one per slice: the slices show them
            case EventCategory.Process when e.Kind == "exit":
                CloseStep(e.Pid, e.Nanoseconds);
                Instant(ProcessTrack(e.Pid), $"exit {e["exit_code"]}", "process", e);
                break;
            default:
                Instant(e.Pid == 0 ? OsTrack : ProcessTrack(e.Pid), e.Category == EventCategory.Syscall ? (string)e["name"]! : e.Kind, RunEvent.Name(e.Category), e);
                break;
        }
    }

    private void CloseStep(int pid, ulong now)
    {
        if (!_openSteps.Remove(pid, out var step)) return;
        _w.WriteStartObject();
        _w.WriteString("ph", "X");
        _w.WriteString("name", step.Name);
        _w.WriteString("cat", "protocol");
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", StepTrack(pid));
        _w.WriteNumber("ts", Micros(step.Start));
        _w.WriteNumber("dur", Math.Max(0.001, Micros(now - step.Start)));
        _w.WriteStartObject("args");
        _w.WriteString("text", step.Text);
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    private void Message(RunEvent e)
    {
        int to = Convert.ToInt32(e["to"]);
        string label = $"{e["channel"]} ({e["length"]} B)";
        double ts = Micros(e.Nanoseconds);
        Complete(ProcessTrack(e.Pid), $"send {label}", "channel", ts, 0.001, e);
        // An arrow only where the message arrives somewhere: a dropped message or one nobody can
        // receive yet is a send slice alone (a flow start without its end draws nothing useful).
        if (to == 0 || (bool)e["dropped"]!) return;
        long id = ++_flow;
        Flow("s", ProcessTrack(e.Pid), ts, id);
        Track(to, null);
        Complete(ProcessTrack(to), $"inbox {label}", "channel", ts + 0.001, 0.001, e);
        Flow("f", ProcessTrack(to), ts + 0.001, id);
    }

    private void Bus(RunEvent e)
    {
        ulong bucket = e.Nanoseconds / BusBucketNanoseconds;
        if (bucket != _busBucket) FlushBus(bucket);
        _busBucket = bucket;
        if (e.Kind == "line-read") _busReads++;
        else _busWrites++;
    }

    /// <summary>
    /// Writes the bucket just finished; if the next one with traffic (<paramref name="next"/>) is not
    /// right after it, also a zero at the end of this one, since a counter holds its value until its
    /// next sample and a burst would otherwise seem to last until the next.
    /// </summary>
    private void FlushBus(ulong next)
    {
        if (_busBucket == ulong.MaxValue) return;
        BusSample(_busBucket, _busReads, _busWrites);
        if (next != _busBucket + 1) BusSample(_busBucket + 1, 0, 0);
        _busReads = _busWrites = 0;
    }

    private void BusSample(ulong bucket, ulong reads, ulong writes)
    {
        _w.WriteStartObject();
        _w.WriteString("ph", "C");
        _w.WriteString("name", "protected lines per 10 us");
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", BusTrack);
        _w.WriteNumber("ts", Micros(bucket * BusBucketNanoseconds));
        _w.WriteStartObject("args");
        _w.WriteNumber("read", reads);
        _w.WriteNumber("written", writes);
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    private void Complete(int tid, string name, string category, double ts, double duration, RunEvent e)
    {
        _w.WriteStartObject();
        _w.WriteString("ph", "X");
        _w.WriteString("name", name);
        _w.WriteString("cat", category);
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", tid);
        _w.WriteNumber("ts", ts);
        _w.WriteNumber("dur", duration);
        Args(e);
        _w.WriteEndObject();
    }

    private void Instant(int tid, string name, string category, RunEvent e)
    {
        _w.WriteStartObject();
        _w.WriteString("ph", "i");
        _w.WriteString("s", "t");
        _w.WriteString("name", name);
        _w.WriteString("cat", category);
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", tid);
        _w.WriteNumber("ts", Micros(e.Nanoseconds));
        Args(e);
        _w.WriteEndObject();
    }

    private void Flow(string phase, int tid, double ts, long id)
    {
        _w.WriteStartObject();
        _w.WriteString("ph", phase);
        _w.WriteString("name", "message");
        _w.WriteString("cat", "channel");
        _w.WriteNumber("id", id);
        if (phase == "f") _w.WriteString("bp", "e");
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", tid);
        _w.WriteNumber("ts", ts);
        _w.WriteEndObject();
    }

    private void Args(RunEvent e)
    {
        _w.WriteStartObject("args");
        foreach (var (key, value) in e.Fields)
        {
            _w.WritePropertyName(key);
            StatsJson.WriteValue(_w, value);
        }
        _w.WriteEndObject();
    }

    private void Thread(int tid, string name, int sortIndex)
    {
        Metadata("thread_name", MachinePid, tid, name);
        _w.WriteStartObject();
        _w.WriteString("ph", "M");
        _w.WriteString("name", "thread_sort_index");
        _w.WriteNumber("pid", MachinePid);
        _w.WriteNumber("tid", tid);
        _w.WriteNumber("ts", 0);
        _w.WriteStartObject("args");
        _w.WriteNumber("sort_index", sortIndex);
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    private void Metadata(string kind, int pid, int tid, string name)
    {
        _w.WriteStartObject();
        _w.WriteString("ph", "M");
        _w.WriteString("name", kind);
        _w.WriteNumber("pid", pid);
        _w.WriteNumber("tid", tid);
        _w.WriteNumber("ts", 0); // optional for metadata; written so every event has the same four fields
        _w.WriteStartObject("args");
        _w.WriteString("name", name);
        _w.WriteEndObject();
        _w.WriteEndObject();
    }

    public void Complete(RunStatistics statistics)
    {
        FlushBus(ulong.MaxValue);
        foreach (int pid in _openSteps.Keys.ToList()) CloseStep(pid, _lastNanoseconds);
        _w.WriteEndArray();
        _w.WriteEndObject();
        _w.Flush();
        _stream.Flush();
    }

    public void Dispose()
    {
        try
        {
            _w.Dispose(); // flushes what a failed Complete left pending: it may fail again
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
