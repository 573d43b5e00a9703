using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Chip.Security.Crypto;

namespace Cloak.Chip.Security;

/// <summary>A region to seal: its virtual placement, rights and plaintext (shorter than Size means zeros follow).</summary>
public sealed record PlainRegion(ulong Start, ulong Size, RegionPermissions Permissions, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// The program vendor's sealing tool (<c>cloak seal</c>): encrypts a program's regions under a fresh
/// program key and wraps that key for one chip (docs/sealed-image.md). It runs outside any chip and
/// never needs a chip's secret, only its public key. Threat: whoever holds the sealed file (the OS,
/// the distribution channel) must learn nothing of the program and must not be able to change it.
/// </summary>
public static class ImageSealer
{
    private static readonly byte[] WrapLabel = "cloak program key"u8.ToArray();
    internal static ReadOnlySpan<byte> KeyWrapLabel => WrapLabel;

    public static byte[] Seal(IReadOnlyList<PlainRegion> regions, ulong entry, ReadOnlySpan<byte> chipPublicKey)
    {
        if (chipPublicKey.Length != P256.PublicKeySize) throw new ArgumentException("a chip public key is 64 bytes (X || Y)");
        if (regions.Count is 0 or > 64) throw new ArgumentException("a program has 1 to 64 regions");
        byte[] programKey = RandomNumberGenerator.GetBytes(KeyTable.KeySize);
        try
        {
            int headerLength = SealedImage.FixedHeaderSize + regions.Count * SealedImage.RegionEntrySize + SealedImage.DigestSize;
            ulong totalLines = 0;
            foreach (var r in regions) totalLines += r.Size / 64;
            ulong payloadOffset = ((ulong)headerLength + 4095) & ~4095UL;
            ulong macTableOffset = payloadOffset + regions.Aggregate(0UL, (sum, r) => sum + r.Size);
            var file = new byte[macTableOffset + totalLines * 8];

            Magic(file);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(SealedImage.OffVersion), SealedImage.FormatVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(SealedImage.OffHeaderLength), (uint)headerLength);
            SealedImage.Fingerprint(chipPublicKey).CopyTo(file.AsSpan(SealedImage.OffFingerprint));
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(SealedImage.OffEntry), entry);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(SealedImage.OffRegionCount), (uint)regions.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(SealedImage.OffMacTableOffset), macTableOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(SealedImage.OffMacTableLength), totalLines * 8);

            using var cipher = new XtsAes128(programKey.AsSpan(0, 16), programKey.AsSpan(16, 16));
            using var mac = LineCrypto.CreateMac(programKey);
            ulong offset = payloadOffset, macAt = macTableOffset;
            var usedIds = new HashSet<uint>();
            Span<byte> line = stackalloc byte[64];
            for (int i = 0; i < regions.Count; i++)
            {
                var region = regions[i];
                if ((region.Start & 0xFFF) != 0 || region.Size == 0 || (region.Size & 0xFFF) != 0 || (ulong)region.Bytes.Length > region.Size)
                    throw new ArgumentException($"region {i} must be page aligned and hold at most its size");
                uint id;
                do id = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue); while (!usedIds.Add(id));
                var ciphertext = file.AsSpan((int)offset, (int)region.Size);
                for (uint l = 0; l < region.Size / 64; l++)
                {
                    line.Clear();
                    int from = (int)l * 64;
                    if (from < region.Bytes.Length) region.Bytes.Span.Slice(from, Math.Min(64, region.Bytes.Length - from)).CopyTo(line);
                    var tweak = LineCrypto.Tweak(id, l, 0);
                    cipher.EncryptLine(tweak, line, ciphertext.Slice(from, 64));
                    BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan((int)macAt), mac.Compute(tweak, ciphertext.Slice(from, 64)));
                    macAt += 8;
                }
                var entryBytes = file.AsSpan(SealedImage.FixedHeaderSize + i * SealedImage.RegionEntrySize, SealedImage.RegionEntrySize);
                BinaryPrimitives.WriteUInt64LittleEndian(entryBytes, region.Start);
                BinaryPrimitives.WriteUInt64LittleEndian(entryBytes[8..], region.Size);
                BinaryPrimitives.WriteUInt64LittleEndian(entryBytes[16..], offset);
                BinaryPrimitives.WriteUInt32LittleEndian(entryBytes[24..], id);
                entryBytes[28] = (byte)region.Permissions;
                SHA256.HashData(ciphertext, entryBytes[32..64]);
                offset += region.Size;
            }

            // Wrap the program key to the chip (ECIES), bound to the digest of everything else.
            var header = file.AsSpan(0, headerLength);
            byte[] digest = SealedImage.ComputeDigest(header);
            var (ephemeral, wrapped, tag) = Ecies.Wrap(chipPublicKey, programKey, digest, WrapLabel);
            ephemeral.CopyTo(file.AsSpan(SealedImage.OffEphemeral));
            wrapped.CopyTo(file.AsSpan(SealedImage.OffWrappedKey));
            tag.CopyTo(file.AsSpan(SealedImage.OffWrappedKey + 32));
            digest.CopyTo(file.AsSpan(headerLength - SealedImage.DigestSize));
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(programKey);
        }
    }

    private static void Magic(byte[] file) => SealedImage.Magic.CopyTo(file);

}
