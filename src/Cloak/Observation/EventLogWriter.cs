using System.Buffers;
using System.Text.Json;

namespace Cloak.Observation;

/// <summary>
/// <c>--events FILE</c>: one JSON object per line per event, written as the run goes (docs/events.md).
/// Every line has "ns" (simulated nanoseconds), "cycle", "cat", "kind", "pid" and "process" (null for
/// the OS), then the event's own fields. The first line is a header naming the schema.
/// </summary>
public sealed class EventLogWriter : IRunEventSink, IDisposable
{
    public const string Schema = "cloak.events/1";
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Stream _stream;
    // Each line is built here and copied to the stream, whose own buffer batches the writes: a writer
    // over the stream itself would flush the stream (a system call) at every line, and fail in the
    // constructor on a full disk instead of in Write, where the caller expects it.
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly Utf8JsonWriter _writer;
    private long _written;

    public EventLogWriter(Stream stream, IReadOnlySet<EventCategory> categories)
    {
        _stream = stream;
        Categories = categories;
        _writer = new Utf8JsonWriter(_line, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _writer.WriteStartObject();
        _writer.WriteString("schema", Schema);
        _writer.WriteStartArray("categories");
        foreach (var c in categories.Order()) _writer.WriteStringValue(RunEvent.Name(c));
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        EndLine();
    }

    public IReadOnlySet<EventCategory> Categories { get; }

    /// <summary>Events written so far.</summary>
    public long Written => _written;

    public void Write(RunEvent e)
    {
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("ns", e.Nanoseconds);
        w.WriteNumber("cycle", e.Cycle);
        w.WriteString("cat", RunEvent.Name(e.Category));
        w.WriteString("kind", e.Kind);
        w.WriteNumber("pid", e.Pid);
        if (e.Process is null) w.WriteNull("process");
        else w.WriteString("process", e.Process);
        foreach (var (key, value) in e.Fields)
        {
            w.WritePropertyName(key);
            StatsJson.WriteValue(w, value);
        }
        w.WriteEndObject();
        EndLine();
        _written++;
    }

    private void EndLine()
    {
        _writer.Flush();
        _writer.Reset(); // each line is a value of its own: no separator before the next
        _stream.Write(_line.WrittenSpan);
        _stream.Write(NewLine);
        _line.ResetWrittenCount();
    }

    public void Complete(RunStatistics statistics) => _stream.Flush();

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
