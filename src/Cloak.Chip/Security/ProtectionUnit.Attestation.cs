using System.Buffers.Binary;
using Cloak.Crypto;
using Cloak.Isa;

namespace Cloak.Chip.Security;

/// <summary>
/// trp.attest and trp.verifyreport (issue 12, docs/attestation.md): the chip certifies which sealed
/// program the calling process is. Threat: a process that talks to a peer through the OS cannot tell
/// from the peer's messages what program sent them (the OS may run an impostor, a debuggable build, or
/// replay an old exchange). The chip alone knows what it entered: the measurement (digest of the sealed
/// image, flags included) and the debuggable flag it recorded at trp.enter, kept on chip with the
/// context. It signs them, with the caller's nonce and user data, by its identity key, so no program
/// can claim another's measurement. The report itself is no secret; the identity key never leaves the
/// chip model (ECDSA by the class library, <see cref="P256"/>).
/// </summary>
internal sealed partial class ProtectionUnit
{
    /// <summary>Attestation descriptor: u64 nonce (32 bytes in), u64 user data (64 bytes in), u64 report out (<see cref="AttestationReport.Size"/> bytes).</summary>
    public TrpStatus? Attest(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[24];
        if (!caller.ReadProtected(descriptor, d)) return null;
        Span<byte> nonce = stackalloc byte[AttestationReport.NonceSize];
        Span<byte> userData = stackalloc byte[AttestationReport.UserDataSize];
        if (!caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), nonce) ||
            !caller.ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), userData)) return null;
        var state = caller.Caller!;
        Span<byte> report = stackalloc byte[AttestationReport.Size];
        AttestationReport.WriteBody(report, state.Debuggable, Identity.Fingerprint, state.ProgramIdentity, nonce, userData);
        if (!P256.TrySign(Identity.PrivateKey, report[..AttestationReport.SignedLength], report[AttestationReport.OffSignature..]))
            throw new InvalidOperationException("the chip's identity key cannot sign");
        return caller.WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), report) ? TrpStatus.Ok : null;
    }

    /// <summary>
    /// Checks a report (in the caller's protected memory, so the OS cannot change it after the check)
    /// against this chip's own key: local attestation between processes on one chip. OK: the caller may
    /// trust the report's fields as it holds them. BadDescriptor: not a report (length, magic, version,
    /// flags); WrongChip: another chip's fingerprint; BadSignature: the signature does not verify.
    /// </summary>
    public TrpStatus? VerifyReport(ITrpCaller caller, ulong address)
    {
        Span<byte> report = stackalloc byte[AttestationReport.Size];
        if (!caller.ReadProtected(address, report)) return null;
        if (!AttestationReport.TryParse(report, out var parsed, out _)) return TrpStatus.BadDescriptor;
        if (!parsed.ChipFingerprint.AsSpan().SequenceEqual(Identity.Fingerprint)) return TrpStatus.WrongChip;
        return P256.Verify(Identity.PublicKey, report[..AttestationReport.SignedLength], report[AttestationReport.OffSignature..])
            ? TrpStatus.Ok : TrpStatus.BadSignature;
    }
}
