using System.Security.Cryptography;
using Cloak.Crypto;
using Cloak.Sealing;

namespace Cloak.Chip.Security;

/// <summary>
/// A simulated chip's identity: its P-256 key pair (SPEC 2.3). The public key is exported so vendors
/// can seal programs for the chip; the private key never leaves the chip model: it unwraps
/// distribution keys and seeds the chip's own secrets. On disk the private key is a PKCS#8 PEM file
/// created readable by its owner only. Threat: anyone holding a sealed image or the public key must
/// not be able to run or read the program without this private key.
/// </summary>
public sealed class ChipIdentity : IDisposable
{
    private readonly byte[] _privateKey;

    private ChipIdentity(byte[] privateKey, byte[] publicKey)
    {
        _privateKey = privateKey;
        PublicKey = publicKey;
    }

    /// <summary>The public key, 64 bytes X || Y.</summary>
    public byte[] PublicKey { get; }

    /// <summary>SHA-256 of the public key, as sealed images name their chip.</summary>
    public byte[] Fingerprint => SealedImage.Fingerprint(PublicKey);

    internal ReadOnlySpan<byte> PrivateKey => _privateKey;

    public static ChipIdentity Generate()
    {
        var privateKey = new byte[P256.PrivateKeySize];
        var publicKey = new byte[P256.PublicKeySize];
        P256.GenerateKeyPair(privateKey, publicKey);
        return new ChipIdentity(privateKey, publicKey);
    }

    public void Save(string privateKeyPath, string publicKeyPath)
    {
        using var ec = ToEcdh(includePrivate: true);
        string privatePem = ec.ExportPkcs8PrivateKeyPem();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(privateKeyPath, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(privatePem);
        File.WriteAllText(publicKeyPath, ec.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>Reads a chip's private key file written by <see cref="Save"/>.</summary>
    public static ChipIdentity Load(string privateKeyPath)
    {
        string pem = ReadText(privateKeyPath, "chip key");
        try
        {
            using var ec = ECDiffieHellman.Create();
            ec.ImportFromPem(pem);
            var p = ec.ExportParameters(includePrivateParameters: true);
            if (!IsNamedP256(p.Curve) || p.D is null)
                throw new SealedImageException($"'{privateKeyPath}' is not a P-256 private key (a named prime256v1 curve)");
            return new ChipIdentity(p.D, [.. p.Q.X!, .. p.Q.Y!]);
        }
        // PlatformNotSupportedException: a curve OpenSSL does not know (found by fuzzing: a mutated OID).
        catch (Exception e) when (e is CryptographicException or ArgumentException or PlatformNotSupportedException)
        {
            throw new SealedImageException($"'{privateKeyPath}' is not a chip private key file: {e.Message}", e);
        }
    }

    /// <summary>Reads a chip's public key file (PEM SubjectPublicKeyInfo), 64 bytes X || Y.</summary>
    public static byte[] LoadPublicKey(string publicKeyPath)
    {
        string pem = ReadText(publicKeyPath, "chip public key");
        try
        {
            using var ec = ECDiffieHellman.Create();
            ec.ImportFromPem(pem);
            var p = ec.ExportParameters(includePrivateParameters: false);
            if (!IsNamedP256(p.Curve))
                throw new SealedImageException($"'{publicKeyPath}' is not a P-256 public key (a named prime256v1 curve)");
            return [.. p.Q.X!, .. p.Q.Y!];
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or PlatformNotSupportedException)
        {
            throw new SealedImageException($"'{publicKeyPath}' is not a chip public key file: {e.Message}", e);
        }
    }

    /// <summary>
    /// True for the named curve P-256. A key file may spell its curve out as explicit parameters
    /// instead (openssl -param_enc explicit); such a curve has no OID, and is refused rather than
    /// compared field by field (found by fuzzing: the OID was read without a null check).
    /// </summary>
    private static bool IsNamedP256(ECCurve curve) =>
        curve.IsNamed && curve.Oid?.Value is { } oid && oid == ECCurve.NamedCurves.nistP256.Oid.Value;

    private static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealedImageException($"cannot read the {what} '{path}': {e.Message}", e);
        }
    }

    private ECDiffieHellman ToEcdh(bool includePrivate)
    {
        var p = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = PublicKey[..32], Y = PublicKey[32..] },
            D = includePrivate ? [.. _privateKey] : null,
        };
        var ec = ECDiffieHellman.Create(p);
        if (p.D is not null) CryptographicOperations.ZeroMemory(p.D);
        return ec;
    }

    /// <summary>A chip secret for one purpose: HKDF-SHA256 of the private key with a label.</summary>
    internal byte[] DeriveSecret(string label, int length)
    {
        var secret = new byte[length];
        Hkdf.DeriveKey(_privateKey, [], System.Text.Encoding.ASCII.GetBytes(label), secret);
        return secret;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);

    public override string ToString() => $"chip {Convert.ToHexString(Fingerprint, 0, 8).ToLowerInvariant()}";
}
