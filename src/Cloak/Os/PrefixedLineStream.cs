using System.Text;

namespace Cloak.Os;

/// <summary>
/// A process's output stream that writes whole lines to a shared writer, each prefixed with the
/// process's identity ("[2:consumer] "), so concurrent processes' output stays readable.
/// A partial last line is written, with a newline added, when the stream is flushed at process exit.
/// </summary>
public sealed class PrefixedLineStream(Stream shared, string prefix) : LineSplittingStream
{
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);

    protected override void OnLine(ReadOnlySpan<byte> line, bool complete)
    {
        shared.Write(_prefix);
        shared.Write(line);
        if (!complete) shared.WriteByte((byte)'\n');
    }

    public override void Flush()
    {
        base.Flush();
        shared.Flush();
    }
}
