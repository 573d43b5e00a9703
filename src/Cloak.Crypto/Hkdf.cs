using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// HKDF with HMAC-SHA-256 (RFC 5869), over the class library's <see cref="HKDF"/>.
/// Threat: key reuse across purposes. A raw ECDH secret is not uniformly random, and one secret
/// used directly as several keys lets an attack on one use spill into the others; HKDF extracts a
/// uniform key and expands it into independent keys bound to a context label (the info string).
/// </summary>
internal static class Hkdf
{
    /// <summary>Extract-then-expand; <paramref name="output"/> may be 1 to 255 * 32 bytes.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);
}
