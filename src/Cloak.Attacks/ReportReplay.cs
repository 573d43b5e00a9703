using System.Buffers.Binary;
using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks;

/// <summary>
/// An OS that replays an attested key exchange (guest/lib/share.c, docs/attestation.md). In one run it
/// records what the initiator (the owner) sends on each channel: its HELLO (exchange public key and
/// nonce) and its attestation report, genuine and signed by the chip. In a later run of the same sealed
/// programs on the same chip it puts those in place of the new ones, so the client sees a consistent old
/// exchange: a report with the right chip, the right measurement and a key matching the HELLO. What the
/// old report cannot have is the client's fresh nonce of this run; the client refuses it on that.
/// </summary>
public sealed class ReportReplay : Adversary
{
    private readonly Dictionary<(string Channel, ShareMessageKind Kind), byte[]> _recorded;
    private readonly bool _replaying;

    /// <summary>Records the initiator's HELLO and report on every channel.</summary>
    public ReportReplay() => _recorded = [];

    /// <summary>Replays what <paramref name="recording"/> recorded in an earlier run.</summary>
    public ReportReplay(ReportReplay recording)
    {
        _recorded = new(recording._recorded);
        _replaying = true;
    }

    /// <summary>Messages recorded (when recording) or replaced (when replaying).</summary>
    public int Messages { get; private set; }

    public override string Name => _replaying ? "report replay" : "report recorder";

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        var payload = e.Payload;
        if (payload.Length < ShareMessages.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(payload) != ShareMessages.Magic) return;
        var kind = (ShareMessageKind)BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.KindOffset));
        bool fromInitiator = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.RoleOffset)) == ShareMessages.InitiatorRole;
        if (kind is not (ShareMessageKind.Hello or ShareMessageKind.Report) || !fromInitiator) return;
        if (!_replaying)
        {
            _recorded[(e.Channel, kind)] = payload.ToArray();
            Messages++;
        }
        else if (_recorded.TryGetValue((e.Channel, kind), out var old) && old.Length == payload.Length)
        {
            e.Payload = old.ToArray();
            Messages++;
        }
    }
}
