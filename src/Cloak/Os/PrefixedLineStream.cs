using System.Text;

namespace Cloak.Os;

/// <summary>
/// A process's output stream that writes whole lines to a shared writer, each prefixed with the
/// process's identity ("[2:consumer] "), so concurrent processes' output stays readable.
/// A partial last line is written when the stream is flushed at process exit.
/// </summary>
public sealed class PrefixedLineStream(Stream shared, string prefix) : Stream
{
    private readonly MemoryStream _line = new();
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        foreach (byte b in buffer)
        {
            _line.WriteByte(b);
            if (b == (byte)'\n') EmitLine();
        }
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            _line.WriteByte((byte)'\n');
            EmitLine();
        }
        shared.Flush();
    }

    private void EmitLine()
    {
        shared.Write(_prefix);
        shared.Write(_line.GetBuffer().AsSpan(0, (int)_line.Length));
        _line.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
