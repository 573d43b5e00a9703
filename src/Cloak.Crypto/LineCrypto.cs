using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// How a region key turns into line ciphers, shared by the chip's key table and the sealing tool so
/// both produce identical ciphertext and MACs: XTS key = the region key's two halves; MAC key =
/// HKDF-SHA256(region key, info "cloak line mac"); tweak = region id (bits 127:96), write counter
/// (95:32), line index in the region (31:0); the MAC's tweak adds the instance (see MacTweak).
/// </summary>
internal static class LineCrypto
{
    /// <summary>Region keys (and program keys) are 32 bytes: the two halves of an XTS-AES-128 key pair.</summary>
    public const int RegionKeySize = 32;

    private static readonly byte[] MacKeyLabel = "cloak line mac"u8.ToArray();

    public static UInt128 Tweak(uint regionId, uint line, ulong counter) =>
        (UInt128)regionId << 96 | (UInt128)counter << 32 | line;

    /// <summary>Write counters stop below 2^32 (a line written back that often is refused), so the MAC's tweak has room for the instance.</summary>
    public const ulong CounterLimit = 1UL << 32;

    /// <summary>
    /// The MAC's tweak: region id (127:96), instance (95:64), counter (63:32), line (31:0) once the
    /// chip has written the line (counter above 0). Runs of one sealed image share its key and region
    /// ids, so without the instance the OS could move a line and its MAC from one run into another
    /// wherever their counters agree. Lines at counter 0 are the image's own content, identical in
    /// every run, and keep the tweak the sealing tool used (the cipher's, with counter 0).
    /// </summary>
    public static UInt128 MacTweak(uint regionId, uint line, ulong counter, uint instance) =>
        counter == 0 ? Tweak(regionId, line, 0) : (UInt128)regionId << 96 | (UInt128)instance << 64 | (UInt128)(uint)counter << 32 | line;

    public static LineMac CreateMac(ReadOnlySpan<byte> regionKey)
    {
        Span<byte> macKey = stackalloc byte[16];
        Hkdf.DeriveKey(regionKey, [], MacKeyLabel, macKey);
        var mac = new LineMac(macKey);
        CryptographicOperations.ZeroMemory(macKey);
        return mac;
    }
}
