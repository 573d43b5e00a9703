using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Attacks;

/// <summary>
/// A man-in-the-middle OS against libcloak's key exchange (guest/lib/share.c): on every channel it
/// replaces each side's public key with one of its own, so each side agrees a key with the OS instead
/// of with its peer. Against the unauthenticated exchange (M2, M4 without signatures) it ends up
/// holding both keys and can decrypt what the processes share (SPEC R5: shown, not hidden); against
/// the signed exchange (M3) the signatures no longer verify and both sides refuse.
/// <para>
/// In M4/M5 it also relays each key notification: when the owner announces (or later signals on)
/// a channel whose notification region it can read, it decrypts the region under the owner's
/// pairwise key, learns the common key, and writes the
/// region back encrypted under the client's pairwise key so the client joins none the wiser. That
/// rewrite only works in confidentiality mode: in authenticated mode (the counters and
/// MACs the OS hosts, <see cref="AdversaryPowers.IntegrityMetadata"/>) the client's view of a region it never wrote is fresh
/// (zeros) under counters the chip keeps, so the OS cannot forge it and only reads.
/// </para>
/// </summary>
public sealed class KeyExchangeMitm : Adversary
{
    private static readonly byte[] Label = ShareMessages.TranscriptLabel.ToArray();

    private sealed class Exchange
    {
        public byte[]? InitiatorPublic, InitiatorNonce, ResponderPublic, ResponderNonce;
        public ECDiffieHellman? ToResponder, ToInitiator;
        public byte[]? InitiatorKey, ResponderKey;
        public (long Segment, uint RegionId)? Announced;
        public int InitiatorPid;
    }

    /// <summary>What a notification region told the OS: the shared region and its common key.</summary>
    public readonly record struct LearnedKey(long Segment, uint RegionId, ulong Size, byte[] Key);

    /// <summary>Where a HELLO carries its public key and its nonce.</summary>
    private static readonly Range PublicKey = ShareMessages.HelloPublicKeyOffset..(ShareMessages.HelloPublicKeyOffset + ShareMessages.PublicKeySize),
        Nonce = ShareMessages.HelloNonceOffset..(ShareMessages.HelloNonceOffset + ShareMessages.NonceSize);

    /// <summary>A cache line, the unit the region cipher encrypts (a notification fits in the first).</summary>
    private const int LineSize = 64;

    private readonly Dictionary<string, Exchange> _exchanges = new(StringComparer.Ordinal);

    /// <summary>Channels whose exchange the OS completed on both sides: it holds the key each side derived.</summary>
    public IReadOnlyDictionary<string, (byte[] InitiatorKey, byte[] ResponderKey)> StolenKeys =>
        _exchanges.Where(e => e.Value.InitiatorKey is not null && e.Value.ResponderKey is not null)
            .ToDictionary(e => e.Key, e => (e.Value.InitiatorKey!, e.Value.ResponderKey!));

    /// <summary>Regions announced on each channel (segment id and region id, which are not secret).</summary>
    public IReadOnlyDictionary<string, (long Segment, uint RegionId)> Announcements =>
        _exchanges.Where(e => e.Value.Announced is not null).ToDictionary(e => e.Key, e => e.Value.Announced!.Value);

    private readonly Dictionary<string, LearnedKey> _learned = new(StringComparer.Ordinal);

    /// <summary>Common keys read out of notification regions, by channel (the latest one after a re-key).</summary>
    public IReadOnlyDictionary<string, LearnedKey> LearnedKeys => _learned;

    /// <summary>Public keys the OS replaced with its own.</summary>
    public int PublicKeysReplaced { get; private set; }

    /// <summary>Notifications the OS rewrote under the client's pairwise key.</summary>
    public int NotificationsRelayed { get; private set; }

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        var payload = e.Payload;
        var known = _exchanges.GetValueOrDefault(e.Channel);
        if (payload.Length < ShareMessages.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(payload) != ShareMessages.Magic)
        {
            // Any other message from the owner (a re-key signal, say) may follow a new notification.
            if (known is not null && e.Sender.Pid == known.InitiatorPid) Relay(e.Channel, known, e.Sender);
            return;
        }
        var kind = (ShareMessageKind)BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.KindOffset));
        var exchange = known ?? (_exchanges[e.Channel] = new Exchange());
        if (kind == ShareMessageKind.Region && payload.Length >= ShareMessages.RegionSize)
        {
            exchange.Announced = ((long)BinaryPrimitives.ReadUInt64LittleEndian(payload.AsSpan(ShareMessages.RegionSegmentOffset)),
                BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.RegionIdOffset)));
            if (e.Sender.Pid == exchange.InitiatorPid) Relay(e.Channel, exchange, e.Sender);
            return;
        }
        if (kind != ShareMessageKind.Hello || payload.Length != ShareMessages.HelloSize) return;
        bool fromInitiator = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(ShareMessages.RoleOffset)) == ShareMessages.InitiatorRole;
        if (fromInitiator) exchange.InitiatorPid = e.Sender.Pid;
        var forged = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var p = forged.ExportParameters(false);
        var replaced = payload.ToArray();
        if (fromInitiator)
        {
            exchange.InitiatorPublic = payload[PublicKey];
            exchange.InitiatorNonce = payload[Nonce];
            exchange.ToResponder = forged;
        }
        else
        {
            exchange.ResponderPublic = payload[PublicKey];
            exchange.ResponderNonce = payload[Nonce];
            exchange.ToInitiator = forged;
        }
        p.Q.X!.CopyTo(replaced, ShareMessages.HelloPublicKeyOffset);
        p.Q.Y!.CopyTo(replaced, ShareMessages.HelloPublicKeyOffset + ShareMessages.PublicKeySize / 2);
        e.Payload = replaced;
        PublicKeysReplaced++;
        Derive(exchange);
    }

    /// <summary>
    /// If the region announced on this channel is a notification the owner just wrote (its first line
    /// decrypts under the owner's pairwise key to the notification magic), learns the common key and,
    /// when relaying, re-encrypts the line under the client's pairwise key in place.
    /// </summary>
    private void Relay(string channel, Exchange x, Process owner)
    {
        if (x.Announced is not { } region || x.InitiatorKey is null || x.ResponderKey is null) return;
        // The owner leaves each notification region once written (guest/share/owner.c), so look for the
        // segment's frame in whichever process maps it now: the owner, or its client.
        if (FirstFrame(region.Segment, owner) is not { } frame) return;
        ulong address = frame << 12;
        var ciphertext = Powers.Memory.Read(address, LineSize).ToArray();
        var plaintext = new byte[LineSize];
        RegionCipher.DecryptLine(x.InitiatorKey, region.RegionId, 0, Powers.IntegrityMetadata is not { } metadata ? 0 : CounterOf(metadata, region.RegionId, 0), ciphertext, plaintext);
        if (BinaryPrimitives.ReadUInt32LittleEndian(plaintext) != ShareMessages.Magic) return;
        _learned[channel] = new LearnedKey((long)BinaryPrimitives.ReadUInt64LittleEndian(plaintext.AsSpan(ShareMessages.NotificationSegmentOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(plaintext.AsSpan(ShareMessages.NotificationRegionIdOffset)),
            BinaryPrimitives.ReadUInt64LittleEndian(plaintext.AsSpan(ShareMessages.NotificationSizeOffset)),
            plaintext[ShareMessages.NotificationKeyOffset..(ShareMessages.NotificationKeyOffset + ShareMessages.KeySize)]);
        if (Powers.IntegrityMetadata is not null) return;
        RegionCipher.EncryptLine(x.ResponderKey, region.RegionId, 0, 0, plaintext, ciphertext);
        Powers.Memory.Write(address, ciphertext);
        NotificationsRelayed++;
    }

    /// <summary>The frame of a segment's first page in the first live process that maps it (<paramref name="first"/> tried first).</summary>
    private ulong? FirstFrame(long segment, Process first)
    {
        foreach (var process in Powers.Processes.Where(p => p == first).Concat(Powers.Processes.Where(p => p != first)))
        {
            if (process.State is ProcessState.Zombie or ProcessState.Reaped) continue;
            var area = Powers.Areas(process).FirstOrDefault(a => a.Segment == segment);
            if (area.End != 0 && Powers.FrameOf(process, area.Start) is { } frame) return frame;
        }
        return null;
    }

    private static void Derive(Exchange x)
    {
        if (x.InitiatorPublic is null || x.ResponderPublic is null || x.ToInitiator is null || x.ToResponder is null) return;
        byte[] forgedResponder = Public(x.ToInitiator), forgedInitiator = Public(x.ToResponder);
        // What each side put in its transcript: its own key and the forged one it received.
        x.InitiatorKey = Agree(x.ToInitiator, x.InitiatorPublic, [.. Label, .. x.InitiatorPublic, .. x.InitiatorNonce!, .. forgedResponder, .. x.ResponderNonce!]);
        x.ResponderKey = Agree(x.ToResponder, x.ResponderPublic, [.. Label, .. forgedInitiator, .. x.InitiatorNonce!, .. x.ResponderPublic, .. x.ResponderNonce!]);
    }

    private static byte[] Public(ECDiffieHellman key)
    {
        var q = key.ExportParameters(false).Q;
        return [.. q.X!, .. q.Y!];
    }

    private static byte[] Agree(ECDiffieHellman own, byte[] peerPublic, byte[] transcript)
    {
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = peerPublic[..32], Y = peerPublic[32..] },
        });
        byte[] z = own.DeriveRawSecretAgreement(peer.PublicKey);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, z, 32, [], transcript);
    }

    /// <summary>
    /// Decrypts <paramref name="length"/> bytes of a region a process maps (found by its segment id),
    /// straight out of DRAM with a key the OS holds: proof that the OS can read the shared data.
    /// Null if the process does not map the segment or its pages are not resident.
    /// </summary>
    public byte[]? ReadRegion(Process process, long segment, uint regionId, byte[] key, int length)
    {
        var area = Powers.Areas(process).FirstOrDefault(a => a.Segment == segment);
        if (area.End == 0) return null;
        var plaintext = new byte[(length + 63) & ~63];
        var ciphertext = new byte[64];
        for (int line = 0; line * 64 < length; line++)
        {
            ulong va = area.Start + (ulong)line * 64;
            if (Powers.FrameOf(process, va) is not { } frame) return null;
            Powers.Memory.Read((frame << 12) + (va & 0xFFF), 64).CopyTo(ciphertext);
            ulong counter = Powers.IntegrityMetadata is not { } metadata ? 0 : CounterOf(metadata, regionId, (ulong)line);
            RegionCipher.DecryptLine(key, regionId, (uint)line, counter, ciphertext, plaintext.AsSpan(line * 64, 64));
        }
        return plaintext[..length];
    }

    /// <summary>In authenticated mode the OS reads a line's counter from the metadata it hosts (the region is found by its id).</summary>
    private static ulong CounterOf(IntegrityMetadataStore metadata, uint regionId, ulong line) =>
        metadata.Regions.Where(r => r.RegionId == regionId).Select(r => metadata.ReadCounter(r, line)).DefaultIfEmpty(0UL).Max();
}
