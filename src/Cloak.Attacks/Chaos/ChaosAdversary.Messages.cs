using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks.Chaos;

/// <summary>Actions on channel messages.</summary>
public sealed partial class ChaosAdversary
{
    /// <summary>Messages held back, in the order they were sent: released (in that order) when a process next waits.</summary>
    private readonly List<(string Channel, int ToSide, byte[] Payload)> _held = [];

    /// <summary>Earlier messages, for <see cref="ChaosActionKind.InjectMessage"/>.</summary>
    private readonly List<(string Channel, int ToSide, byte[] Payload)> _seen = [];

    /// <summary>
    /// Per channel end, a message held for <see cref="ChaosActionKind.ReorderMessage"/>: it goes right after
    /// the next message on that end, or, if its receiver waits first, on its own (then only a delay).
    /// </summary>
    private readonly Dictionary<(string Channel, int ToSide), (byte[] Payload, int? Receiver)> _reordering = [];

    private bool _injecting;

    private static readonly ChaosActionKind[] MessageKinds =
        [ChaosActionKind.DropMessage, ChaosActionKind.DelayMessage, ChaosActionKind.ReorderMessage, ChaosActionKind.AlterMessage, ChaosActionKind.InjectMessage];

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        if (_injecting) return; // its own injection coming through the kernel
        if (_held.Any(h => h.Channel == e.Channel && h.ToSide == e.ToSide))
        {
            // Something before it on this channel is held: it waits too, so the delay reorders nothing.
            _held.Add((e.Channel, e.ToSide, e.Payload));
            e.Drop = true;
            return;
        }
        if (_reordering.Remove((e.Channel, e.ToSide), out var earlier))
        {
            // This one overtakes the message held for it: deliver it first, then the earlier one.
            e.Drop = true;
            Deliver(e.Channel, e.ToSide, e.Payload);
            Deliver(e.Channel, e.ToSide, earlier.Payload);
            Declare($"delivered the {e.Payload.Length}-byte message on '{e.Channel}' before the {earlier.Payload.Length}-byte one sent earlier", e.Receiver);
            return;
        }
        if (_seen.Count < 64 && Settings.Kinds.Contains(ChaosActionKind.InjectMessage)) _seen.Add((e.Channel, e.ToSide, [.. e.Payload]));
        if (!Roll()) return;
        string what = $"the {e.Payload.Length}-byte message from {e.Sender.Name} {e.Sender.Pid} on '{e.Channel}'";
        switch (Pick(MessageKinds))
        {
            case ChaosActionKind.DropMessage:
                e.Drop = true;
                _tamperedChannels.Add(e.Channel);
                Record(ChaosActionKind.DropMessage, e.Receiver, what);
                break;
            case ChaosActionKind.DelayMessage:
                _held.Add((e.Channel, e.ToSide, e.Payload));
                e.Drop = true;
                Record(ChaosActionKind.DelayMessage, e.Receiver, $"held back {what} until a process next waits");
                break;
            case ChaosActionKind.ReorderMessage:
                _reordering[(e.Channel, e.ToSide)] = (e.Payload, e.Receiver?.Pid);
                e.Drop = true;
                _tamperedChannels.Add(e.Channel);
                Record(ChaosActionKind.ReorderMessage, e.Receiver, $"held back {what} to send it after the next one on that channel");
                break;
            case ChaosActionKind.AlterMessage:
                e.Payload = Alter(e.Payload, out string how);
                _tamperedChannels.Add(e.Channel);
                Record(ChaosActionKind.AlterMessage, e.Receiver, $"{how} {what}");
                break;
            case ChaosActionKind.InjectMessage:
                Inject();
                break;
        }
    }

    /// <summary>A changed copy: bits flipped (mostly), or cut short, or made longer.</summary>
    private byte[] Alter(byte[] payload, out string how)
    {
        int choice = _random.Next(10);
        if (choice < 7 || payload.Length == 0 && choice < 9)
        {
            byte[] changed = [.. payload];
            if (changed.Length == 0) changed = [0];
            int flips = 1 + _random.Next(4);
            var bits = new List<int>();
            for (int i = 0; i < flips; i++)
            {
                int bit = _random.Next(changed.Length * 8);
                changed[bit / 8] ^= (byte)(1 << (bit % 8));
                bits.Add(bit);
            }
            how = $"flipped bit(s) {string.Join(",", bits)} of";
            return changed;
        }
        if (choice < 9)
        {
            int keep = _random.Next(payload.Length);
            how = $"cut to {keep} byte(s)";
            return payload[..keep];
        }
        int more = 1 + _random.Next(16);
        byte[] longer = [.. payload, .. new byte[more]];
        _random.NextBytes(longer.AsSpan(payload.Length));
        how = $"added {more} byte(s) to";
        return longer;
    }

    /// <summary>Sends one of the earlier messages again, to the side it went to, as it was or altered.</summary>
    private void Inject()
    {
        if (_seen.Count == 0) return;
        var (channel, toSide, payload) = Choose(_seen);
        string how = "as it was";
        if (_random.Next(2) == 0) payload = Alter(payload, out how);
        if (!Deliver(channel, toSide, payload)) return;
        _tamperedChannels.Add(channel);
        Record(ChaosActionKind.InjectMessage, null, $"an earlier {payload.Length}-byte message on '{channel}' again ({how})");
    }

    private bool Deliver(string channel, int toSide, byte[] payload)
    {
        _injecting = true;
        try
        {
            return Powers.InjectMessage(channel, toSide, payload);
        }
        finally
        {
            _injecting = false;
        }
    }

    /// <summary>
    /// Sends the messages held for reordering to <paramref name="receiver"/> (every such message when null)
    /// on their own: a receiver about to wait, or gone, must not wait for ever on a message the chaos holds.
    /// </summary>
    private void ReleaseReordering(int? receiver)
    {
        if (_injecting) return;
        var due = _reordering.Where(r => receiver is null || r.Value.Receiver is null || r.Value.Receiver == receiver).OrderBy(r => r.Key.Channel, StringComparer.Ordinal).ThenBy(r => r.Key.ToSide).ToList();
        foreach (var ((channel, toSide), (payload, _)) in due)
        {
            _reordering.Remove((channel, toSide));
            Deliver(channel, toSide, payload);
            Declare($"released the {payload.Length}-byte message held on '{channel}' (nothing overtook it)");
        }
    }

    /// <summary>Lets every held message go, in order (declared once).</summary>
    private void ReleaseHeld()
    {
        if (_held.Count == 0 || _injecting) return;
        var held = _held.ToList();
        _held.Clear();
        foreach (var (channel, toSide, payload) in held) Deliver(channel, toSide, payload);
        Declare($"released {held.Count} held message(s)");
    }
}
