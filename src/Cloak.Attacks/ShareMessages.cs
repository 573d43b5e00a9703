namespace Cloak.Attacks;

/// <summary>The kinds of libcloak's key-exchange messages (MSG_* in guest/lib/share.c).</summary>
public enum ShareMessageKind : uint
{
    Hello = 1,
    Signature = 2,
    Region = 3,
    Report = 4,
}

/// <summary>
/// libcloak's key-exchange messages and key notifications (guest/lib/share.c) as an OS sees them:
/// the adversaries that read or rewrite them (<see cref="KeyExchangeMitm"/>, <see cref="ReportReplay"/>)
/// and the demo's narrator use these numbers, and ShareHeaderTests holds them to share.c's structs.
/// Nothing here is secret: every message crosses the OS in the clear (SPEC R5).
/// </summary>
public static class ShareMessages
{
    /// <summary>MESSAGE_MAGIC, "CLK1": the first word of every message and of every notification region.</summary>
    public const uint Magic = 0x314B_4C43;

    /// <summary>struct msg_header { magic, kind, role, reserved }: its size and the offsets of kind and role.</summary>
    public const int HeaderSize = 16, KindOffset = 4, RoleOffset = 8;

    /// <summary>The role word of a message the exchange's initiator (the owner) sent.</summary>
    public const uint InitiatorRole = 1;

    /// <summary>struct msg_hello: the header, the sender's P-256 public key (X || Y), its nonce.</summary>
    public const int HelloSize = 112, HelloPublicKeyOffset = 16, PublicKeySize = 64, HelloNonceOffset = 80, NonceSize = 32;

    /// <summary>struct msg_region: the header, then the segment id, size and region id of the announced region.</summary>
    public const int RegionSize = 40, RegionSegmentOffset = 16, RegionSizeOffset = 24, RegionIdOffset = 32;

    /// <summary>struct msg_report: the header, then an attestation report (struct cloak_report).</summary>
    public const int ReportOffset = HeaderSize;

    /// <summary>struct notification (a key notification region's first bytes): magic, region id, segment, size, the common key.</summary>
    public const int NotificationRegionIdOffset = 4, NotificationSegmentOffset = 8, NotificationSizeOffset = 16, NotificationKeyOffset = 24,
        NotificationSize = 56, KeySize = 32;

    /// <summary>TRANSCRIPT_LABEL: what both sides put first in the transcript their key derivation hashes.</summary>
    public static ReadOnlySpan<byte> TranscriptLabel => "cloak key exchange v1"u8;
}
