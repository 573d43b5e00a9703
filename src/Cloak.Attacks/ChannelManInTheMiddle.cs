using Cloak.Kernel.Adversaries;
namespace Cloak.Attacks;

/// <summary>
/// Sits on the kernel's message path: records every message and may rewrite or drop it through
/// <paramref name="rewrite"/> (return the bytes to deliver, or null to drop). With no rewrite it is a
/// pure recorder; <see cref="Replace"/> makes a quick byte-pattern substitution adversary.
/// </summary>
public class ChannelManInTheMiddle(Func<ChannelMessageEvent, byte[]?>? rewrite = null) : Adversary
{
    private readonly List<(string Channel, int SenderPid, byte[] Original, byte[]? Delivered)> _log = [];

    public IReadOnlyList<(string Channel, int SenderPid, byte[] Original, byte[]? Delivered)> Log => _log;

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        byte[] original = [.. e.Payload];
        byte[]? delivered = rewrite is null ? e.Payload : rewrite(e);
        if (delivered is null) e.Drop = true;
        else e.Payload = delivered;
        _log.Add((e.Channel, e.Sender.Pid, original, delivered));
    }

    /// <summary>An adversary that replaces every occurrence of <paramref name="from"/> with <paramref name="to"/> (same length).</summary>
    public static ChannelManInTheMiddle Replace(byte[] from, byte[] to)
    {
        if (from.Length != to.Length || from.Length == 0) throw new ArgumentException("the patterns must be non-empty and of equal length");
        return new ChannelManInTheMiddle(e =>
        {
            var bytes = e.Payload.ToArray();
            for (int at = bytes.AsSpan().IndexOf(from); at >= 0;)
            {
                to.CopyTo(bytes, at);
                int next = bytes.AsSpan(at + from.Length).IndexOf(from);
                at = next < 0 ? -1 : at + from.Length + next;
            }
            return bytes;
        });
    }
}
