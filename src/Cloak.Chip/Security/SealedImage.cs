using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cloak.Chip.Security;

/// <summary>A sealed image Cloak refuses, with a one-line reason.</summary>
public sealed class SealedImageException : Exception
{
    public SealedImageException(string message) : base(message) { }
    public SealedImageException(string message, Exception inner) : base(message, inner) { }
    public SealedImageException() : base("malformed sealed image") { }
}

/// <summary>One encrypted region of a sealed image: where it goes, what it may do, and its ciphertext.</summary>
public sealed record SealedRegion(
    ulong Start, ulong Size, ulong FileOffset, uint RegionId, RegionPermissions Permissions, byte[] CiphertextHash)
{
    public ulong End => Start + Size;
    public int Lines => (int)(Size / 64);
}

/// <summary>
/// The sealed program image (docs/sealed-image.md, format version 1): a user program whose regions
/// are encrypted line by line under a fresh program key (XTS, tweak = region id and line), with the
/// program key wrapped to one chip's public key (the distribution key, ECIES over P-256) and bound to
/// a digest of the header and every region's ciphertext, so a changed, truncated or spliced image,
/// or an image for another chip, cannot be entered. The untrusted loader reads the layout from here;
/// the chip re-checks everything at trp.enter.
/// </summary>
public sealed class SealedImage
{
    public static ReadOnlySpan<byte> Magic => "CLOAKSI\0"u8;
    public const ushort FormatVersion = 1;
    public const int FixedHeaderSize = 192;
    public const int RegionEntrySize = 80;
    public const int DigestSize = 32;
    public const int WrappedKeySize = 32 + 16;

    // Fixed header layout (little-endian).
    internal const int OffVersion = 8, OffFlags = 10, OffHeaderLength = 12, OffFingerprint = 16, OffEphemeral = 48,
        OffWrappedKey = 112, OffEntry = 160, OffRegionCount = 168, OffMacTableOffset = 176, OffMacTableLength = 184;

    private SealedImage(byte[] bytes, int headerLength, ulong entry, byte[] fingerprint, IReadOnlyList<SealedRegion> regions,
        ulong macTableOffset, ulong macTableLength)
    {
        Bytes = bytes;
        HeaderLength = headerLength;
        Entry = entry;
        ChipFingerprint = fingerprint;
        Regions = regions;
        MacTableOffset = macTableOffset;
        MacTableLength = macTableLength;
    }

    /// <summary>The whole file.</summary>
    public byte[] Bytes { get; }

    /// <summary>Bytes of the header: fixed part, region table, digest.</summary>
    public int HeaderLength { get; }
    public ulong Entry { get; }
    public byte[] ChipFingerprint { get; }
    public IReadOnlyList<SealedRegion> Regions { get; }

    /// <summary>Per-line MACs of every region for counter 0 (authenticated mode), 8 bytes per line, regions in order.</summary>
    public ulong MacTableOffset { get; }
    public ulong MacTableLength { get; }

    public ReadOnlySpan<byte> Header => Bytes.AsSpan(0, HeaderLength);
    public ReadOnlySpan<byte> Ciphertext(SealedRegion region) => Bytes.AsSpan((int)region.FileOffset, (int)region.Size);
    public ReadOnlySpan<byte> MacTable => Bytes.AsSpan((int)MacTableOffset, (int)MacTableLength);

    /// <summary>True if the first bytes are a sealed image's magic.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> file) => file.Length >= 8 && file[..8].SequenceEqual(Magic);

    public static SealedImage Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealedImageException($"cannot read '{path}': {e.Message}", e);
        }
        return Parse(bytes);
    }

    /// <summary>Checks the container's structure (not its cryptography: only the chip can do that).</summary>
    public static SealedImage Parse(byte[] file)
    {
        if (!IsSealed(file)) throw new SealedImageException("not a sealed image (bad magic)");
        if (file.Length < FixedHeaderSize) throw new SealedImageException($"truncated: {file.Length} bytes, the header alone needs {FixedHeaderSize}");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(OffVersion));
        if (version != FormatVersion) throw new SealedImageException($"format version {version} is not supported (this Cloak reads version {FormatVersion})");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(OffHeaderLength));
        uint regionCount = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(OffRegionCount));
        if (regionCount is 0 or > 64) throw new SealedImageException($"region count {regionCount} is out of range (1-64)");
        ulong expectedHeader = FixedHeaderSize + (ulong)regionCount * RegionEntrySize + DigestSize;
        if (headerLength != expectedHeader) throw new SealedImageException($"header length {headerLength} does not match {regionCount} regions");
        if ((ulong)file.Length < headerLength) throw new SealedImageException("truncated inside the header");
        if (!ComputeDigest(file.AsSpan(0, (int)headerLength)).AsSpan().SequenceEqual(file.AsSpan((int)headerLength - DigestSize, DigestSize)))
            throw new SealedImageException("the stored digest does not match the header: the image was changed or corrupted");

        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(OffEntry));
        ulong macOffset = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(OffMacTableOffset));
        ulong macLength = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(OffMacTableLength));
        var regions = new List<SealedRegion>();
        ulong lines = 0;
        for (int i = 0; i < regionCount; i++)
        {
            var r = file.AsSpan(FixedHeaderSize + i * RegionEntrySize, RegionEntrySize);
            ulong start = BinaryPrimitives.ReadUInt64LittleEndian(r), size = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]),
                offset = BinaryPrimitives.ReadUInt64LittleEndian(r[16..]);
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(r[24..]);
            var permissions = (RegionPermissions)r[28];
            if ((start & 0xFFF) != 0 || size == 0 || (size & 0xFFF) != 0 || start + size < start || size > 1UL << 30)
                throw new SealedImageException($"region {i}: bad bounds [0x{start:x}, +0x{size:x})");
            if ((permissions & ~(RegionPermissions.Read | RegionPermissions.Write | RegionPermissions.Execute)) != 0 || permissions == 0)
                throw new SealedImageException($"region {i}: bad permissions {(byte)permissions}");
            if (offset < headerLength || offset > (ulong)file.Length || size > (ulong)file.Length - offset)
                throw new SealedImageException($"region {i}: ciphertext (offset 0x{offset:x}, 0x{size:x} bytes) lies outside the file: truncated or corrupt");
            foreach (var other in regions)
                if (start < other.End && other.Start < start + size) throw new SealedImageException($"region {i} overlaps another region");
            regions.Add(new SealedRegion(start, size, offset, id, permissions, r[32..64].ToArray()));
            lines += size / 64;
        }
        if (macLength != lines * 8 || macOffset < headerLength || macOffset > (ulong)file.Length || macLength > (ulong)file.Length - macOffset)
            throw new SealedImageException("the MAC table is missing, truncated or the wrong size");
        if (!regions.Any(r => r.Permissions.HasFlag(RegionPermissions.Execute) && entry >= r.Start && entry < r.End))
            throw new SealedImageException($"the entry point 0x{entry:x} is not in an executable region");
        return new SealedImage(file, (int)headerLength, entry, file.AsSpan(OffFingerprint, 32).ToArray(), regions, macOffset, macLength);
    }

    /// <summary>SHA-256 of a chip public key (64 bytes X || Y): what an image names its chip by.</summary>
    public static byte[] Fingerprint(ReadOnlySpan<byte> chipPublicKey) => SHA256.HashData(chipPublicKey);

    /// <summary>
    /// The digest the wrapped key is bound to (as AES-GCM associated data): SHA-256 over the header
    /// except the ephemeral key, the wrapped key and the digest field. It covers the chip fingerprint,
    /// the entry, every region's placement, rights and ciphertext hash, and the MAC table's place; the
    /// ephemeral key needs no cover, since another one yields another key-encryption key.
    /// </summary>
    public static byte[] ComputeDigest(ReadOnlySpan<byte> header)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header[..OffEphemeral]);
        sha.AppendData(header[OffEntry..^DigestSize]);
        return sha.GetHashAndReset();
    }
}
