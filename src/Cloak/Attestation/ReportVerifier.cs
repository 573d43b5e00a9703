using System.Security.Cryptography;
using Cloak.Isa;

namespace Cloak.Attestation;

/// <summary>Why a report was refused (<see cref="ReportProblem.None"/>: it was not).</summary>
public enum ReportProblem
{
    None,
    /// <summary>Not a report: wrong length or magic, an unsupported format version, unknown flag bits.</summary>
    Malformed,
    /// <summary>The report names another chip than the trust anchor.</summary>
    WrongChip,
    /// <summary>The signature does not verify under the trust anchor (the report was changed or forged).</summary>
    BadSignature,
    /// <summary>The process's image was sealed debuggable and the policy does not allow it.</summary>
    Debuggable,
    /// <summary>Another program than the one expected.</summary>
    WrongMeasurement,
    /// <summary>The report answers another nonce than the verifier's: old, or made for someone else.</summary>
    WrongNonce,
    /// <summary>The report binds other user data (an exchange key, say) than expected.</summary>
    WrongUserData,
}

/// <summary>What a verifier requires of a report beyond the chip's signature. Null fields are not checked.</summary>
public sealed record ReportPolicy
{
    /// <summary>The measurement (sealed image digest, 32 bytes) the process must have.</summary>
    public byte[]? Measurement { get; init; }
    /// <summary>The verifier's own fresh nonce (32 bytes) the report must carry.</summary>
    public byte[]? Nonce { get; init; }
    /// <summary>The user data (64 bytes) the report must carry.</summary>
    public byte[]? UserData { get; init; }
    /// <summary>Accept a process whose image was sealed debuggable (a debugger may read it: refused by default).</summary>
    public bool AllowDebuggable { get; init; }
}

/// <summary>The outcome: the report's fields when it parsed, and the first problem found.</summary>
public sealed record ReportVerdict(ReportProblem Problem, string Message, AttestationReport? Report)
{
    public bool Accepted => Problem == ReportProblem.None;
}

/// <summary>
/// Checks attestation reports (docs/attestation.md) on the host, with one chip's public key as the
/// trust anchor: format, chip, signature (ECDSA P-256, SHA-256, by the class library), then the
/// policy: debuggable, measurement, nonce, user data, in that order. Threat: the report crossed the
/// OS, which may have changed any byte, forged one, replayed an old one or passed another program's;
/// only the chip's signature over every field, and a nonce the verifier chose, rule those out.
/// </summary>
public sealed class ReportVerifier
{
    private readonly byte[] _chipPublicKey;
    private readonly byte[] _fingerprint;

    /// <param name="chipPublicKey">The chip's identity public key, 64 bytes X || Y (<c>ChipIdentity.LoadPublicKey</c>).</param>
    public ReportVerifier(byte[] chipPublicKey)
    {
        ArgumentNullException.ThrowIfNull(chipPublicKey);
        if (chipPublicKey.Length != 64) throw new ArgumentException("a P-256 public key is 64 bytes X || Y", nameof(chipPublicKey));
        _chipPublicKey = [.. chipPublicKey];
        _fingerprint = SHA256.HashData(chipPublicKey);
    }

    public ReportVerdict Verify(ReadOnlySpan<byte> bytes, ReportPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!AttestationReport.TryParse(bytes, out var report, out string error))
            return new ReportVerdict(ReportProblem.Malformed, error, null);
        if (!report.ChipFingerprint.AsSpan().SequenceEqual(_fingerprint))
            return Refuse(ReportProblem.WrongChip, $"made by another chip (fingerprint {Hex(report.ChipFingerprint)[..16]}..., the trust anchor's is {Hex(_fingerprint)[..16]}...)", report);
        if (!SignatureVerifies(bytes))
            return Refuse(ReportProblem.BadSignature, "the chip's signature does not verify: the report was changed or forged", report);
        if (report.Debuggable && !policy.AllowDebuggable)
            return Refuse(ReportProblem.Debuggable, "the process's image was sealed debuggable (a debugger may read it); refused by policy", report);
        if (policy.Measurement is { } measurement && !CryptographicOperations.FixedTimeEquals(measurement, report.Measurement))
            return Refuse(ReportProblem.WrongMeasurement, $"another program: measurement {Hex(report.Measurement)}, expected {Hex(measurement)}", report);
        if (policy.Nonce is { } nonce && !CryptographicOperations.FixedTimeEquals(nonce, report.Nonce))
            return Refuse(ReportProblem.WrongNonce, $"not fresh: nonce {Hex(report.Nonce)}, expected {Hex(nonce)}", report);
        if (policy.UserData is { } userData && !CryptographicOperations.FixedTimeEquals(userData, report.UserData))
            return Refuse(ReportProblem.WrongUserData, "the report binds other user data than expected", report);
        return new ReportVerdict(ReportProblem.None, "verified", report);
    }

    private bool SignatureVerifies(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = _chipPublicKey[..32], Y = _chipPublicKey[32..] },
            });
            return ecdsa.VerifyData(bytes[..AttestationReport.SignedLength], bytes.Slice(AttestationReport.OffSignature, AttestationReport.SignatureSize),
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            // A public key that is not a curve point verifies nothing.
            return false;
        }
    }

    private static ReportVerdict Refuse(ReportProblem problem, string message, AttestationReport report) => new(problem, message, report);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
