namespace Cloak.Cli.Terminal;

/// <summary>
/// Guest output as QEMU and Spike give it: each complete line goes to the terminal (or file) as soon as
/// the guest writes its newline, so a long run shows its output as it happens and an interrupted run
/// loses nothing. Writes to the shared stream are serialized and step around the progress line.
/// A partial last line is written when the stream is flushed.
/// </summary>
internal sealed class LineFlushingStream(Stream inner, ProgressLine progress, bool ownsInner = false) : Stream
{
    private readonly MemoryStream _pending = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int newline = buffer.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.Write(buffer);
                return;
            }
            _pending.Write(buffer[..(newline + 1)]);
            buffer = buffer[(newline + 1)..];
            Emit();
        }
    }

    private void Emit()
    {
        if (_pending.Length == 0) return;
        var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length).ToArray();
        _pending.SetLength(0);
        progress.Around(() =>
        {
            inner.Write(bytes);
            inner.Flush();
        });
    }

    public override void Flush() => Emit();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Emit();
            if (ownsInner) inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
