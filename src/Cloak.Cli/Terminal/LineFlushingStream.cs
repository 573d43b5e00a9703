using Cloak.Os;

namespace Cloak.Cli.Terminal;

/// <summary>
/// Guest output as QEMU and Spike give it: each complete line goes to the terminal (or file) as soon as
/// the guest writes its newline, so a long run shows its output as it happens and an interrupted run
/// loses nothing. Writes to the shared stream are serialized and step around the progress line.
/// A partial last line is written when the stream is flushed.
/// </summary>
internal sealed class LineFlushingStream(Stream inner, ProgressLine progress, bool ownsInner = false) : LineSplittingStream
{
    protected override void OnLine(ReadOnlySpan<byte> line, bool complete)
    {
        var bytes = line.ToArray();
        progress.Around(() =>
        {
            inner.Write(bytes);
            inner.Flush();
        });
    }

    protected override bool HandsOnPartialLineWhenDisposed => true;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && ownsInner) inner.Dispose();
    }
}
