using System.Text;

namespace Cloak.Kernel.Tests.Support;

/// <summary>
/// Collects what every process writes: per pid, and as one log of whole lines in the order the
/// kernel delivered them (so tests can check the order of events across processes).
/// </summary>
internal sealed class OutputCapture
{
    private readonly Dictionary<int, StringBuilder> _text = [];
    private readonly List<(int Pid, string Line)> _lines = [];

    public IReadOnlyList<(int Pid, string Line)> Lines => _lines;

    public Stream For(int pid, string name)
    {
        var text = new StringBuilder();
        _text[pid] = text;
        return new ProcessStream(this, pid, text);
    }

    public string Text(int pid) => _text.TryGetValue(pid, out var text) ? text.ToString() : "";

    private sealed class ProcessStream(OutputCapture owner, int pid, StringBuilder text) : Stream
    {
        private readonly StringBuilder _partial = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            string s = Encoding.UTF8.GetString(buffer);
            text.Append(s);
            foreach (char c in s)
            {
                if (c != '\n')
                {
                    _partial.Append(c);
                    continue;
                }
                owner._lines.Add((pid, _partial.ToString()));
                _partial.Clear();
            }
        }

        public override void Flush()
        {
            if (_partial.Length == 0) return;
            owner._lines.Add((pid, _partial.ToString()));
            _partial.Clear();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
