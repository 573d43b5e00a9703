using System.Buffers.Binary;

namespace Cloak.Isa;

/// <summary>
/// The layout of an attestation report, the result of <c>trp.attest</c> (docs/attestation.md, issue 12):
/// defined here once for the chip that writes it, the verifiers that read it (<c>trp.verifyreport</c>,
/// the host's <c>ReportVerifier</c>, <c>cloak attest verify</c>) and the C header (guest/include/cloak/trp.h,
/// checked by a test). All integers little-endian; the signature is ECDSA P-256 with SHA-256 over the
/// first <see cref="SignedLength"/> bytes, r || s (IEEE P1363), by the chip's identity key.
/// </summary>
public readonly record struct AttestationReport(
    ushort Version, bool Debuggable, byte[] ChipFingerprint, byte[] Measurement, byte[] Nonce, byte[] UserData, byte[] Signature)
{
    /// <summary>"CLKR" read as a little-endian u32 (bytes 43 4C 4B 52).</summary>
    public const uint Magic = 0x524B_4C43;
    /// <summary>The only format version this chip writes and its verifiers accept.</summary>
    public const ushort CurrentVersion = 1;
    /// <summary>Flag bit 0: the process's sealed image carries <c>SealedImageFlags.Debuggable</c>.</summary>
    public const ushort FlagDebuggable = 1;

    public const int OffMagic = 0, OffVersion = 4, OffFlags = 6, OffChipFingerprint = 8, OffMeasurement = 40, OffNonce = 72,
        OffUserData = 104, OffSignature = 168;
    public const int FingerprintSize = 32, MeasurementSize = 32, NonceSize = 32, UserDataSize = 64, SignatureSize = 64;
    /// <summary>Bytes the signature covers: everything before it.</summary>
    public const int SignedLength = OffSignature;
    /// <summary>The whole report.</summary>
    public const int Size = OffSignature + SignatureSize;

    /// <summary>Writes the signed part (everything but the signature) into <paramref name="report"/>.</summary>
    public static void WriteBody(Span<byte> report, bool debuggable, ReadOnlySpan<byte> chipFingerprint, ReadOnlySpan<byte> measurement,
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> userData)
    {
        if (report.Length < Size) throw new ArgumentException($"a report is {Size} bytes", nameof(report));
        if (chipFingerprint.Length != FingerprintSize || measurement.Length != MeasurementSize || nonce.Length != NonceSize || userData.Length != UserDataSize)
            throw new ArgumentException("fingerprint, measurement and nonce are 32 bytes, user data 64");
        BinaryPrimitives.WriteUInt32LittleEndian(report[OffMagic..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(report[OffVersion..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(report[OffFlags..], debuggable ? FlagDebuggable : (ushort)0);
        chipFingerprint.CopyTo(report[OffChipFingerprint..]);
        measurement.CopyTo(report[OffMeasurement..]);
        nonce.CopyTo(report[OffNonce..]);
        userData.CopyTo(report[OffUserData..]);
    }

    /// <summary>
    /// Reads a report's fields without checking its signature (the verifiers do that). False, with the
    /// reason, when it is not a report at all: wrong length, magic, version or unknown flag bits.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out AttestationReport report, out string error)
    {
        report = default;
        if (bytes.Length != Size)
        {
            error = $"a report is {Size} bytes, this is {bytes.Length}";
            return false;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[OffMagic..]) != Magic)
        {
            error = "not an attestation report (wrong magic)";
            return false;
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[OffVersion..]);
        if (version != CurrentVersion)
        {
            error = $"report format version {version} is not supported (only {CurrentVersion})";
            return false;
        }
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[OffFlags..]);
        if ((flags & ~FlagDebuggable) != 0)
        {
            error = $"unknown report flags 0x{flags:x4}";
            return false;
        }
        report = new AttestationReport(version, (flags & FlagDebuggable) != 0,
            bytes.Slice(OffChipFingerprint, FingerprintSize).ToArray(), bytes.Slice(OffMeasurement, MeasurementSize).ToArray(),
            bytes.Slice(OffNonce, NonceSize).ToArray(), bytes.Slice(OffUserData, UserDataSize).ToArray(),
            bytes.Slice(OffSignature, SignatureSize).ToArray());
        error = "";
        return true;
    }
}
