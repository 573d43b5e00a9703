using System.Security.Cryptography;

namespace Cloak.Crypto;

/// <summary>
/// How a region key turns into line ciphers, shared by the chip's key table and the sealing tool so
/// both produce identical ciphertext and MACs: XTS key = the region key's two halves; MAC key (32
/// bytes, see <see cref="LineMac"/>) = HKDF-SHA256(region key, info "cloak line mac 2"); tweak = region id (bits 127:96), write counter
/// (95:32), line index in the region (31:0), and for a sealed image's regions in one run (an instance)
/// the instance as well (see <see cref="Tweak(uint, uint, ulong, uint)"/>). The MAC uses the same tweak.
/// </summary>
internal static class LineCrypto
{
    /// <summary>Region keys (and program keys) are 32 bytes: the two halves of an XTS-AES-128 key pair.</summary>
    public const int RegionKeySize = 32;

    // "2": the GHASH-based MAC's key; the CBC-MAC of format version 1 used "cloak line mac" for a
    // 16-byte key, and a new label keeps one key from serving two MAC algorithms.
    private static readonly byte[] MacKeyLabel = "cloak line mac 2"u8.ToArray();

    public static UInt128 Tweak(uint regionId, uint line, ulong counter) =>
        (UInt128)regionId << 96 | (UInt128)counter << 32 | line;

    /// <summary>Write counters stop below 2^32 (a line written back that often is refused), so the MAC's tweak has room for the instance.</summary>
    public const ulong CounterLimit = 1UL << 32;

    /// <summary>
    /// The tweak of a line of a region that belongs to one run of a sealed image (instance above 0):
    /// region id (127:96), instance (95:64), counter (63:32), line (31:0). Runs of one sealed image
    /// share its key and region ids, so without the instance the OS could move a line from one run
    /// into another (in confidentiality mode wherever it likes; in authenticated mode, with its MAC,
    /// wherever the counters agree) and the victim would decrypt the other run's data. The chip
    /// re-encrypts an image's lines from the sealing tool's tweak (instance 0) into its run's at
    /// trp.enter, so every line it ever reads carries the instance. Instance 0 (every region that is
    /// not a sealed image's) keeps <see cref="Tweak(uint, uint, ulong)"/>.
    /// </summary>
    public static UInt128 Tweak(uint regionId, uint line, ulong counter, uint instance) =>
        instance == 0 ? Tweak(regionId, line, counter) : (UInt128)regionId << 96 | (UInt128)instance << 64 | (UInt128)(uint)counter << 32 | line;

    public static LineMac CreateMac(ReadOnlySpan<byte> regionKey)
    {
        Span<byte> macKey = stackalloc byte[LineMac.KeySize];
        Hkdf.DeriveKey(regionKey, [], MacKeyLabel, macKey);
        var mac = new LineMac(macKey);
        CryptographicOperations.ZeroMemory(macKey);
        return mac;
    }
}
