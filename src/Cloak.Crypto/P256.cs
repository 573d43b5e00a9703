using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// NIST P-256 key agreement (ECDH) and signatures (ECDSA with SHA-256) for the public-key unit,
/// over the class library's implementations.
/// Threat: an adversary who supplies keys and signatures: forged signatures on program images,
/// and invalid-curve points that would leak bits of a private scalar through ECDH. Every peer point
/// is checked to lie on the curve (the class library validates on import), every scalar to lie in
/// [1, n-1], and malformed input gives false rather than an exception an attacker could steer.
/// </summary>
/// <remarks>
/// Formats: a private key is a 32-byte big-endian scalar; a public key is 64 bytes X || Y
/// (big-endian, without the SEC1 0x04 prefix); a signature is 64 bytes r || s (IEEE P1363).
/// Private scalars pass through short-lived arrays that are zeroed after import.
/// </remarks>
internal static class P256
{
    public const int PrivateKeySize = 32;
    public const int PublicKeySize = 64;
    public const int SignatureSize = 64;
    public const int SharedSecretSize = 32;
    private const int CoordinateSize = 32;

    // SEC 2 2.4.2 (secp256r1): the field prime p and the group order n, big-endian.
    private static ReadOnlySpan<byte> FieldPrime =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    private static ReadOnlySpan<byte> GroupOrder =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>Generates a fresh key pair.</summary>
    public static void GenerateKeyPair(Span<byte> private32, Span<byte> public64)
    {
        if (private32.Length != PrivateKeySize)
            throw new ArgumentException("A P-256 private key is 32 bytes.", nameof(private32));
        if (public64.Length != PublicKeySize)
            throw new ArgumentException("A P-256 public key is 64 bytes.", nameof(public64));

        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters parameters = ecdh.ExportParameters(includePrivateParameters: true);
        try
        {
            WriteFixed(parameters.D!, private32);
            WritePublic(parameters.Q, public64);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>Q = d * G. False for a wrong length or a scalar outside [1, n-1].</summary>
    public static bool TryDerivePublicKey(ReadOnlySpan<byte> private32, Span<byte> public64)
    {
        if (public64.Length != PublicKeySize || !IsValidScalar(private32))
            return false;
        try
        {
            using ECDiffieHellman ecdh = ImportPrivate<ECDiffieHellman>(private32, ECDiffieHellman.Create);
            WritePublic(ecdh.ExportParameters(includePrivateParameters: false).Q, public64);
            return true;
        }
        catch (CryptographicException)
        {
            public64.Clear();
            return false;
        }
    }

    /// <summary>
    /// ECDH: the x-coordinate of d * Q_peer (the shared secret Z of SP 800-56A 5.7.1.2), raw, not
    /// hashed: derive keys from it with <see cref="Hkdf"/>. False for an invalid scalar or a peer
    /// point that is not on the curve.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> private32, ReadOnlySpan<byte> peerPublic64, Span<byte> shared32)
    {
        if (shared32.Length != SharedSecretSize || !IsValidScalar(private32) || !HasValidCoordinates(peerPublic64))
            return false;
        byte[]? z = null;
        try
        {
            using ECDiffieHellman ours = ImportPrivate<ECDiffieHellman>(private32, ECDiffieHellman.Create);
            using ECDiffieHellman peer = ECDiffieHellman.Create(PublicParameters(peerPublic64));
            using ECDiffieHellmanPublicKey peerKey = peer.PublicKey;
            z = ours.DeriveRawSecretAgreement(peerKey);
            if (z.Length != SharedSecretSize)
                return false;
            z.CopyTo(shared32);
            return true;
        }
        catch (CryptographicException)
        {
            shared32.Clear();
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    /// <summary>ECDSA over SHA-256(message) with a fresh random nonce from the platform.</summary>
    public static bool TrySign(ReadOnlySpan<byte> private32, ReadOnlySpan<byte> message, Span<byte> signature64)
    {
        if (signature64.Length != SignatureSize || !IsValidScalar(private32))
            return false;
        try
        {
            using ECDsa ecdsa = ImportPrivate<ECDsa>(private32, ECDsa.Create);
            return ecdsa.TrySignData(message, signature64, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out int written) && written == SignatureSize;
        }
        catch (CryptographicException)
        {
            signature64.Clear();
            return false;
        }
    }

    /// <summary>True only for a valid signature by <paramref name="public64"/> on the message.</summary>
    public static bool Verify(ReadOnlySpan<byte> public64, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature64)
    {
        if (signature64.Length != SignatureSize || !HasValidCoordinates(public64))
            return false;
        try
        {
            using ECDsa ecdsa = ECDsa.Create(PublicParameters(public64));
            return ecdsa.VerifyData(message, signature64, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    // 1 <= d <= n - 1 (SEC 1 3.2.1).
    private static bool IsValidScalar(ReadOnlySpan<byte> scalar) =>
        scalar.Length == PrivateKeySize && scalar.ContainsAnyExcept((byte)0) && scalar.SequenceCompareTo(GroupOrder) < 0;

    // Both coordinates reduced modulo p (SEC 1 3.2.2.1 step 2); whether the point lies on the curve
    // is left to the class library, which checks it when the key is imported.
    private static bool HasValidCoordinates(ReadOnlySpan<byte> public64) =>
        public64.Length == PublicKeySize
        && public64[..CoordinateSize].SequenceCompareTo(FieldPrime) < 0
        && public64[CoordinateSize..].SequenceCompareTo(FieldPrime) < 0;

    private static ECParameters PublicParameters(ReadOnlySpan<byte> public64) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = public64[..CoordinateSize].ToArray(), Y = public64[CoordinateSize..].ToArray() },
    };

    // The class library computes Q from D when only D is given.
    private static T ImportPrivate<T>(ReadOnlySpan<byte> private32, Func<ECParameters, T> create)
    {
        byte[] d = private32.ToArray();
        try
        {
            return create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    private static void WritePublic(ECPoint q, Span<byte> public64)
    {
        WriteFixed(q.X!, public64[..CoordinateSize]);
        WriteFixed(q.Y!, public64[CoordinateSize..]);
    }

    // Right-aligns a big-endian integer in a fixed-size field.
    private static void WriteFixed(byte[] value, Span<byte> destination)
    {
        if (value.Length > destination.Length)
            throw new CryptographicException("The platform returned an oversized P-256 value.");
        destination[..^value.Length].Clear();
        value.CopyTo(destination[^value.Length..]);
    }
}
