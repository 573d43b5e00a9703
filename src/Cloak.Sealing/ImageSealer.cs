using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Crypto;
using Cloak.Isa;

namespace Cloak.Sealing;

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
    /// <summary>The ECIES label the program key is wrapped under (the chip unwraps with the same).</summary>
    public static ReadOnlySpan<byte> KeyWrapLabel => "cloak program key"u8;

    /// <summary>Seals <paramref name="regions"/> for the chip whose public key is <paramref name="chipPublicKey"/>; <paramref name="flags"/> go into the header (and so into the digest).</summary>
    public static byte[] Seal(IReadOnlyList<PlainRegion> regions, ulong entry, ReadOnlySpan<byte> chipPublicKey, ushort flags = 0)
    {
        if (chipPublicKey.Length != P256.PublicKeySize) throw new ArgumentException("a chip public key is 64 bytes (X || Y)");
        if (regions.Count is 0 or > 64) throw new ArgumentException("a program has 1 to 64 regions");
        byte[] programKey = RandomNumberGenerator.GetBytes(LineCrypto.RegionKeySize);
        try
        {
            int headerLength = SealedImageHeader.FixedHeaderSize + regions.Count * SealedImageHeader.RegionEntrySize + SealedImageHeader.DigestSize;
            ulong totalLines = 0;
            foreach (var r in regions) totalLines += r.Size / 64;
            ulong payloadOffset = ((ulong)headerLength + 4095) & ~4095UL;
            ulong macTableOffset = payloadOffset + regions.Aggregate(0UL, (sum, r) => sum + r.Size);
            var file = new byte[macTableOffset + totalLines * 8];

            using var cipher = new XtsAes128(programKey.AsSpan(0, 16), programKey.AsSpan(16, 16));
            using var mac = LineCrypto.CreateMac(programKey);
            ulong offset = payloadOffset, macAt = macTableOffset;
            var usedIds = new HashSet<uint>();
            var entries = new SealedRegionEntry[regions.Count];
            var hashes = new byte[regions.Count * 32];
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
                entries[i] = new SealedRegionEntry(region.Start, region.Size, offset, id, region.Permissions);
                SHA256.HashData(ciphertext, hashes.AsSpan(i * 32, 32));
                offset += region.Size;
            }
            line.Clear();

            // Wrap the program key to the chip (ECIES), bound to the digest of everything else.
            var header = file.AsSpan(0, headerLength);
            SealedImageHeader.Write(header, SealedImage.Fingerprint(chipPublicKey), entry, flags, entries, hashes, macTableOffset, totalLines * 8);
            byte[] digest = SealedImageHeader.ComputeDigest(header);
            var (ephemeral, wrapped, tag) = Ecies.Wrap(chipPublicKey, programKey, digest, KeyWrapLabel);
            SealedImageHeader.Seal(header, ephemeral, wrapped, tag, digest);
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(programKey);
        }
    }

}
