using System.Security.Cryptography;
using Cloak.Chip.Security.Crypto;

namespace Cloak.Chip.Security;

/// <summary>
/// How a region key turns into line ciphers, shared by the chip's key table and the sealing tool so
/// both produce identical ciphertext and MACs: XTS key = the region key's two halves; MAC key =
/// HKDF-SHA256(region key, info "cloak line mac"); tweak = region id (bits 127:96), write counter
/// (95:32), line index in the region (31:0).
/// </summary>
internal static class LineCrypto
{
    private static readonly byte[] MacKeyLabel = "cloak line mac"u8.ToArray();

    public static UInt128 Tweak(uint regionId, uint line, ulong counter) =>
        (UInt128)regionId << 96 | (UInt128)counter << 32 | line;

    public static LineMac CreateMac(ReadOnlySpan<byte> regionKey)
    {
        Span<byte> macKey = stackalloc byte[16];
        Hkdf.DeriveKey(regionKey, [], MacKeyLabel, macKey);
        var mac = new LineMac(macKey);
        CryptographicOperations.ZeroMemory(macKey);
        return mac;
    }
}
