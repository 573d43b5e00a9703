using Cloak.Crypto;

namespace Cloak.Sealing;

/// <summary>
/// The memory encryption unit's line cipher as a pure function of a key the caller already holds:
/// what an analyst (or an adversary who stole a key, as in an unauthenticated key exchange) needs to
/// read a region's ciphertext out of DRAM. It reveals nothing of the chip's own keys.
/// </summary>
public static class RegionCipher
{
    public const int LineSize = 64;

    /// <summary>Decrypts one line of region <paramref name="regionId"/> (counter 0 in confidentiality mode).</summary>
    public static void DecryptLine(ReadOnlySpan<byte> regionKey, uint regionId, uint line, ulong counter, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext) =>
        DecryptLine(regionKey, regionId, line, counter, 0, ciphertext, plaintext);

    /// <summary>Decrypts one line of a sealed image's region in one run (<paramref name="instance"/>: its context id).</summary>
    public static void DecryptLine(ReadOnlySpan<byte> regionKey, uint regionId, uint line, ulong counter, uint instance, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (regionKey.Length != LineCrypto.RegionKeySize) throw new ArgumentException("region keys are 32 bytes");
        using var cipher = new XtsAes128(regionKey[..16], regionKey[16..]);
        cipher.DecryptLine(LineCrypto.Tweak(regionId, line, counter, instance), ciphertext, plaintext);
    }

    /// <summary>Encrypts one line as the chip would under <paramref name="regionKey"/> (what a key thief can forge).</summary>
    public static void EncryptLine(ReadOnlySpan<byte> regionKey, uint regionId, uint line, ulong counter, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext) =>
        EncryptLine(regionKey, regionId, line, counter, 0, plaintext, ciphertext);

    /// <summary>Encrypts one line of a sealed image's region in one run (<paramref name="instance"/>: its context id).</summary>
    public static void EncryptLine(ReadOnlySpan<byte> regionKey, uint regionId, uint line, ulong counter, uint instance, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        if (regionKey.Length != LineCrypto.RegionKeySize) throw new ArgumentException("region keys are 32 bytes");
        using var cipher = new XtsAes128(regionKey[..16], regionKey[16..]);
        cipher.EncryptLine(LineCrypto.Tweak(regionId, line, counter, instance), plaintext, ciphertext);
    }
}
