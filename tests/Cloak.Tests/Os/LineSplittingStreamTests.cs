using System.Text;
using Cloak.Os;

namespace Cloak.Tests.Os;

/// <summary>Guest output is cut into lines in one place (issue 8, item 2): <see cref="LineSplittingStream"/>.</summary>
public sealed class LineSplittingStreamTests
{
    private sealed class Recorder : LineSplittingStream
    {
        public List<(string Line, bool Complete)> Lines { get; } = [];

        protected override void OnLine(ReadOnlySpan<byte> line, bool complete) => Lines.Add((Encoding.UTF8.GetString(line), complete));
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_line_written_in_pieces_is_handed_on_once_its_newline_arrives()
    {
        var recorder = new Recorder();
        Write(recorder, "hel");
        Write(recorder, "lo");
        Assert.Empty(recorder.Lines);
        Write(recorder, "\nnext");

        Assert.Equal([("hello\n", true)], recorder.Lines);
    }

    [Fact]
    public void Several_lines_in_one_write_are_handed_on_one_by_one()
    {
        var recorder = new Recorder();
        Write(recorder, "a\n\nbc\nd");

        Assert.Equal([("a\n", true), ("\n", true), ("bc\n", true)], recorder.Lines);
    }

    [Fact]
    public void Flushing_hands_on_a_partial_last_line_as_incomplete_and_only_once()
    {
        var recorder = new Recorder();
        Write(recorder, "x\ntail");
        recorder.Flush();
        recorder.Flush();

        Assert.Equal([("x\n", true), ("tail", false)], recorder.Lines);
    }

    [Fact]
    public void A_process_stream_prefixes_every_line_and_ends_a_partial_one_at_flush()
    {
        using var shared = new MemoryStream();
        var stream = new PrefixedLineStream(shared, "[2:consumer] ");
        Write(stream, "one\ntw");
        Write(stream, "o\nthree");
        stream.Flush();

        Assert.Equal("[2:consumer] one\n[2:consumer] two\n[2:consumer] three\n", Encoding.UTF8.GetString(shared.ToArray()));
    }
}
