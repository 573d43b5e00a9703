using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// Wraps a secret (such as a program image's key) to a chip's P-256 public key for sealed program
/// images: ECIES with an ephemeral key, HKDF-SHA-256 and AES-256-GCM.
/// Threat: an adversary who holds a sealed image, or sits between its author and the chip. Only the
/// holder of the recipient's private key can recover the secret, and any change to the ephemeral
/// key, the ciphertext, the tag, the associated data (the image header) or the label is detected,
/// so a header cannot be swapped onto another image's key.
/// </summary>
/// <remarks>
/// Z = ECDH(ephemeral private, recipient public); KEK = HKDF-SHA-256(ikm = Z, salt = ephemeral
/// public || recipient public, info = label), 32 bytes; then AES-256-GCM under the KEK. The salt
/// binds the KEK to both public keys. The GCM nonce is twelve zero bytes: a nonce must never repeat
/// under one key, and every KEK here is used exactly once, because each wrap draws a fresh ephemeral
/// key and so a fresh Z.
/// </remarks>
internal static class Ecies
{
    public const int TagSize = 16;
    private const int KekSize = 32;
    private const int NonceSize = 12;

    /// <summary>Encrypts <paramref name="secret"/> to <paramref name="recipientPublic64"/>.</summary>
    /// <exception cref="ArgumentException">The recipient key is not a point on P-256.</exception>
    public static (byte[] EphemeralPublic64, byte[] Ciphertext, byte[] Tag16) Wrap(
        ReadOnlySpan<byte> recipientPublic64, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> label)
    {
        Span<byte> ephemeralPrivate = stackalloc byte[P256.PrivateKeySize];
        Span<byte> kek = stackalloc byte[KekSize];
        byte[] ephemeralPublic = new byte[P256.PublicKeySize];
        try
        {
            P256.GenerateKeyPair(ephemeralPrivate, ephemeralPublic);
            if (!DeriveKek(ephemeralPrivate, recipientPublic64, ephemeralPublic, recipientPublic64, label, kek))
                throw new ArgumentException("The recipient public key is not a valid P-256 point.", nameof(recipientPublic64));

            byte[] ciphertext = new byte[secret.Length];
            byte[] tag = new byte[TagSize];
            using var gcm = new AesGcm(kek, TagSize);
            gcm.Encrypt(stackalloc byte[NonceSize], secret, ciphertext, tag, associatedData);
            return (ephemeralPublic, ciphertext, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralPrivate);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>
    /// Recovers a wrapped secret. False, with <paramref name="secret"/> zeroed, on any mismatch:
    /// wrong key, altered ephemeral key, ciphertext, tag, associated data or label, or wrong lengths.
    /// </summary>
    public static bool TryUnwrap(
        ReadOnlySpan<byte> recipientPrivate32, ReadOnlySpan<byte> ephemeralPublic64, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag16, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> label, Span<byte> secret)
    {
        Span<byte> recipientPublic = stackalloc byte[P256.PublicKeySize];
        Span<byte> kek = stackalloc byte[KekSize];
        try
        {
            if (tag16.Length != TagSize || secret.Length != ciphertext.Length
                || !P256.TryDerivePublicKey(recipientPrivate32, recipientPublic)
                || !DeriveKek(recipientPrivate32, ephemeralPublic64, ephemeralPublic64, recipientPublic, label, kek))
            {
                secret.Clear();
                return false;
            }

            using var gcm = new AesGcm(kek, TagSize);
            gcm.Decrypt(stackalloc byte[NonceSize], ciphertext, tag16, secret, associatedData);
            return true;
        }
        catch (CryptographicException) // AuthenticationTagMismatchException among them
        {
            CryptographicOperations.ZeroMemory(secret);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static bool DeriveKek(
        ReadOnlySpan<byte> private32, ReadOnlySpan<byte> peerPublic64, ReadOnlySpan<byte> ephemeralPublic64,
        ReadOnlySpan<byte> recipientPublic64, ReadOnlySpan<byte> label, Span<byte> kek)
    {
        Span<byte> z = stackalloc byte[P256.SharedSecretSize];
        try
        {
            if (!P256.TryAgree(private32, peerPublic64, z))
                return false;
            Span<byte> salt = stackalloc byte[2 * P256.PublicKeySize];
            ephemeralPublic64.CopyTo(salt);
            recipientPublic64.CopyTo(salt[P256.PublicKeySize..]);
            Hkdf.DeriveKey(z, salt, label, kek);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }
}
