namespace Cloak.Os;

/// <summary>
/// A write-only stream that hands what is written to it on line by line: each line as soon as its
/// newline arrives (with the newline), and a partial last line when the stream is flushed or disposed
/// (without one). The one place guest output is cut into lines: the OS model's per-process prefixes,
/// the CLI's live terminal output and the demo's capture of the examples' lines all derive from it.
/// </summary>
public abstract class LineSplittingStream : Stream
{
    private readonly MemoryStream _pending = new();

    /// <summary>One line: <paramref name="line"/> ends with '\n' unless <paramref name="complete"/> is false (a partial line at flush).</summary>
    protected abstract void OnLine(ReadOnlySpan<byte> line, bool complete);

    public sealed override bool CanRead => false;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => true;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int newline = buffer.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.Write(buffer);
                return;
            }
            if (_pending.Length == 0)
            {
                OnLine(buffer[..(newline + 1)], complete: true);
            }
            else
            {
                _pending.Write(buffer[..(newline + 1)]);
                OnLine(Pending, complete: true);
                _pending.SetLength(0);
            }
            buffer = buffer[(newline + 1)..];
        }
    }

    /// <summary>Hands on a partial last line, if any.</summary>
    public override void Flush() => FlushPartialLine();

    /// <summary>Whether disposing hands on a partial last line (the terminal's stream: nothing the guest wrote is lost at exit).</summary>
    protected virtual bool HandsOnPartialLineWhenDisposed => false;

    private void FlushPartialLine()
    {
        if (_pending.Length == 0) return;
        var partial = _pending.ToArray();
        _pending.SetLength(0);
        OnLine(partial, complete: false);
    }

    private ReadOnlySpan<byte> Pending => _pending.GetBuffer().AsSpan(0, (int)_pending.Length);

    protected override void Dispose(bool disposing)
    {
        if (disposing && HandsOnPartialLineWhenDisposed) FlushPartialLine();
        base.Dispose(disposing);
    }

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
