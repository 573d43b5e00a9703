// delay-notification.cs: an OS that holds back key notifications.
//
// What it shows: an attack the built-in set lacks. In M4 and M5 (guest/lib/share.c) the owner writes
// the common key into a client's key notification region, then tells the client where that region is
// with a message over an OS channel. This OS holds each such message back for as long as it can
// without reordering the channel or stalling the run: until the owner sends its next message on that
// channel, waits for an answer (a receive), or exits. It then delivers it unchanged. With ARG a
// channel name (e.g. "prodcons"), it holds back every message on that channel the same way, which
// applies to any program, not only libcloak's sharing functions.
//
// Expected outcome: nothing but time. The notification region is readable only under the pairwise
// key the owner and that client agreed, and the message names only a segment and a region id, so the
// OS learns nothing by holding it; the client simply joins later and every check still passes (the
// demo's verdict stays "shared correctly", a user's programs exit 0). Delay is denial of service,
// which the threat model leaves out (SPEC section 1). It prints what it held and for how long.
//
// Run it:  cloak demo m4 --adversary examples/adversaries/delay-notification.cs
//          cloak run --chip chip.key producer.sealed consumer.sealed --adversary examples/adversaries/delay-notification.cs:prodcons
using System.Buffers.Binary;
using Cloak.Kernel;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;

namespace Cloak.Examples.Adversaries;

public sealed class DelayNotification : Adversary
{
    /// <summary>libcloak's message header: magic "CLK1", then the kind (3: a region announcement).</summary>
    private const uint Magic = 0x314B4C43, RegionAnnouncement = 3;

    private readonly string? _channel;
    private readonly HashSet<Process> _notifying = [];
    private readonly List<(string Channel, int ToSide, byte[] Payload, Process Sender, ulong HeldAt)> _held = [];
    private bool _releasing;
    private int _delayed;
    private ulong _longest, _total;

    public DelayNotification() { }

    public DelayNotification(string channel)
    {
        if (channel.Length == 0) throw new ArgumentException("name a channel, or give no argument to delay libcloak's key notifications");
        _channel = channel;
    }

    // The owner announces each step; "8(e)" is "wrote the common key into this client's notification region".
    public override void OnGuestNote(GuestNoteEvent e)
    {
        if (e.Topic.Contains("8(e)", StringComparison.Ordinal) && e.Text.StartsWith("the owner wrote", StringComparison.Ordinal)) _notifying.Add(e.Process);
    }

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        if (_releasing) return;
        Release(e.Sender, e.Channel);   // anything held on this channel goes first: no reordering
        bool hold = _channel is not null ? e.Channel == _channel : _notifying.Remove(e.Sender) && IsRegionAnnouncement(e.Payload);
        if (!hold) return;
        _held.Add((e.Channel, e.ToSide, e.Payload, e.Sender, Powers.NowNanoseconds));
        e.Drop = true;
        Declare($"held back a {e.Payload.Length}-byte message on channel '{e.Channel}'", e.Receiver);
    }

    // Deliver before the sender waits or leaves: holding on then could leave everyone blocked.
    public override void OnSyscall(SyscallEvent e)
    {
        if ((Syscall)e.Number is Syscall.ChanRecv or Syscall.Wait4 or Syscall.NanoSleep or Syscall.Exit or Syscall.ExitGroup or Syscall.ChanClose)
            Release(e.Process, channel: null);
    }

    public override void OnProcessExited(ProcessEvent e) => Release(e.Process, channel: null);

    public override void OnShutdown()
    {
        string what = _channel is null ? "key notification(s)" : $"message(s) on channel '{_channel}'";
        Console.Error.WriteLine(_delayed == 0
            ? $"delay-notification: no {what} seen"
            : $"delay-notification: delayed {_delayed} {what} by {_total / (ulong)_delayed / 1000.0:F1} us of simulated time on average ({_longest / 1000.0:F1} us at most)");
    }

    private void Release(Process sender, string? channel)
    {
        var due = _held.Where(h => h.Sender == sender && (channel is null || h.Channel == channel)).ToList();
        foreach (var h in due)
        {
            _held.Remove(h);
            _releasing = true;
            bool delivered = Powers.InjectMessage(h.Channel, h.ToSide, h.Payload);
            _releasing = false;
            if (!delivered) continue;
            ulong waited = Powers.NowNanoseconds - h.HeldAt;
            _delayed++;
            _total += waited;
            _longest = Math.Max(_longest, waited);
        }
    }

    private static bool IsRegionAnnouncement(byte[] payload) =>
        payload.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(payload) == Magic && BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(4)) == RegionAnnouncement;
}
