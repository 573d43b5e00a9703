using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Isa;

namespace Cloak.Sealing;

/// <summary>One entry of a sealed image's region table, as the header states it (not yet checked against the file).</summary>
public readonly record struct SealedRegionEntry(ulong Start, ulong Size, ulong FileOffset, uint RegionId, RegionPermissions Permissions)
{
    public ulong End => Start + Size;
}

/// <summary>
/// The one reader of a sealed image's header (docs/sealed-image.md), over a span, shared by both sides
/// of the trust boundary: the untrusted loader and tools parse files with it
/// (<see cref="SealedImage.Parse"/>), and the chip's <c>trp.enter</c> reads the header the loader
/// placed in memory with it. Neither side trusts the other's reading: each re-reads the bytes it has.
/// Threat: a header written by the OS may say anything; every field is range-checked here before
/// anyone sizes a buffer or walks a table by it.
/// </summary>
public readonly ref struct SealedImageHeader
{
    public static ReadOnlySpan<byte> Magic => "CLOAKSI\0"u8;
    /// <summary>2 since the line MAC became GHASH-based (version 1's MAC table held CBC-MACs the chip no longer computes).</summary>
    public const ushort FormatVersion = 2;
    public const int FixedHeaderSize = 192;
    public const int RegionEntrySize = 80;
    public const int DigestSize = 32;
    public const int MaxRegions = 64;
    /// <summary>The largest region a header may describe (1 GiB).</summary>
    public const ulong MaxRegionSize = 1UL << 30;

    /// <summary>Offsets of the fixed header's fields (docs/sealed-image.md, "Layout"; little-endian).</summary>
    public const int OffVersion = 8, OffFlags = 10, OffHeaderLength = 12, OffFingerprint = 16, OffEphemeral = 48,
        OffWrappedKey = 112, OffEntry = 160, OffRegionCount = 168, OffMacTableOffset = 176, OffMacTableLength = 184;

    private readonly ReadOnlySpan<byte> _bytes;

    private SealedImageHeader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>
    /// Reads the fixed part (the first <see cref="FixedHeaderSize"/> bytes): magic, version, region
    /// count and the header length they imply. On success <paramref name="headerLength"/> is how many
    /// bytes to hand to <see cref="TryRead"/>.
    /// </summary>
    public static bool TryReadLength(ReadOnlySpan<byte> fixedPart, out int headerLength, out string problem)
    {
        headerLength = 0;
        if (fixedPart.Length < 8 || !fixedPart[..8].SequenceEqual(Magic)) { problem = "not a sealed image (bad magic)"; return false; }
        if (fixedPart.Length < FixedHeaderSize) { problem = $"truncated: {fixedPart.Length} bytes, the header alone needs {FixedHeaderSize}"; return false; }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[OffVersion..]);
        if (version == 1) { problem = $"format version 1 is no longer supported: its line MACs are the old CBC-MAC (this Cloak reads version {FormatVersion}; seal the program again)"; return false; }
        if (version != FormatVersion) { problem = $"format version {version} is not supported (this Cloak reads version {FormatVersion})"; return false; }
        uint regionCount = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[OffRegionCount..]);
        if (regionCount is 0 or > MaxRegions) { problem = $"region count {regionCount} is out of range (1-{MaxRegions})"; return false; }
        uint stated = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[OffHeaderLength..]);
        long expected = FixedHeaderSize + regionCount * RegionEntrySize + DigestSize;
        if (stated != expected) { problem = $"header length {stated} does not match {regionCount} regions"; return false; }
        headerLength = (int)expected;
        problem = "";
        return true;
    }

    /// <summary>
    /// Reads a whole header (exactly the length <see cref="TryReadLength"/> gave) and checks what can be
    /// checked without the rest of the file: region bounds, rights, overlaps, and that the entry point
    /// lies in an executable region. The digest is not checked here (see <see cref="ComputeDigest()"/>).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> header, out SealedImageHeader result, out string problem)
    {
        result = default;
        if (!TryReadLength(header, out int length, out problem)) return false;
        if (header.Length < length) { problem = "truncated inside the header"; return false; }
        var h = new SealedImageHeader(header[..length]);
        for (int i = 0; i < h.RegionCount; i++)
        {
            var r = h.Region(i);
            if ((r.Start & 0xFFF) != 0 || r.Size == 0 || (r.Size & 0xFFF) != 0 || r.Start + r.Size < r.Start || r.Size > MaxRegionSize)
            { problem = $"region {i}: bad bounds [0x{r.Start:x}, +0x{r.Size:x})"; return false; }
            if ((r.Permissions & ~(RegionPermissions.Read | RegionPermissions.Write | RegionPermissions.Execute)) != 0 || r.Permissions == 0)
            { problem = $"region {i}: bad permissions {(byte)r.Permissions}"; return false; }
            for (int j = 0; j < i; j++)
            {
                var other = h.Region(j);
                if (r.Start < other.End && other.Start < r.End) { problem = $"region {i} overlaps region {j}"; return false; }
            }
        }
        bool entryExecutable = false;
        for (int i = 0; i < h.RegionCount; i++)
        {
            var r = h.Region(i);
            entryExecutable |= r.Permissions.HasFlag(RegionPermissions.Execute) && h.Entry >= r.Start && h.Entry < r.End;
        }
        if (!entryExecutable) { problem = $"the entry point 0x{h.Entry:x} is not in an executable region"; return false; }
        result = h;
        problem = "";
        return true;
    }

    /// <summary>The header's bytes (fixed part, region table, stored digest).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    public int Length => _bytes.Length;
    public ushort Flags => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[OffFlags..]);
    /// <summary>SHA-256 of the public key of the chip the image was sealed for.</summary>
    public ReadOnlySpan<byte> ChipFingerprint => _bytes.Slice(OffFingerprint, 32);
    public ReadOnlySpan<byte> EphemeralPublicKey => _bytes.Slice(OffEphemeral, 64);
    public ReadOnlySpan<byte> WrappedKey => _bytes.Slice(OffWrappedKey, 32);
    public ReadOnlySpan<byte> WrappedKeyTag => _bytes.Slice(OffWrappedKey + 32, 16);
    public ulong Entry => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[OffEntry..]);
    public int RegionCount => (int)BinaryPrimitives.ReadUInt32LittleEndian(_bytes[OffRegionCount..]);
    public ulong MacTableOffset => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[OffMacTableOffset..]);
    public ulong MacTableLength => BinaryPrimitives.ReadUInt64LittleEndian(_bytes[OffMacTableLength..]);
    public ReadOnlySpan<byte> StoredDigest => _bytes[^DigestSize..];

    /// <summary>Lines (64 bytes) in all regions together: the MAC table holds 8 bytes for each.</summary>
    public ulong TotalLines
    {
        get
        {
            ulong lines = 0;
            for (int i = 0; i < RegionCount; i++) lines += Region(i).Size / 64;
            return lines;
        }
    }

    public SealedRegionEntry Region(int index)
    {
        var r = RegionBytes(index);
        return new SealedRegionEntry(BinaryPrimitives.ReadUInt64LittleEndian(r), BinaryPrimitives.ReadUInt64LittleEndian(r[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(r[16..]), BinaryPrimitives.ReadUInt32LittleEndian(r[24..]), (RegionPermissions)r[28]);
    }

    /// <summary>SHA-256 of region <paramref name="index"/>'s ciphertext, as the header states it.</summary>
    public ReadOnlySpan<byte> CiphertextHash(int index) => RegionBytes(index)[32..64];

    private ReadOnlySpan<byte> RegionBytes(int index)
    {
        if ((uint)index >= (uint)RegionCount) throw new ArgumentOutOfRangeException(nameof(index));
        return _bytes.Slice(FixedHeaderSize + index * RegionEntrySize, RegionEntrySize);
    }

    /// <summary>
    /// The digest the wrapped key is bound to (as AES-GCM associated data): SHA-256 over the header
    /// except the ephemeral key, the wrapped key and the digest field. It covers the chip fingerprint,
    /// the flags, the entry, every region's placement, rights and ciphertext hash, and the MAC table's
    /// place; the ephemeral key needs no cover, since another one yields another key-encryption key.
    /// </summary>
    public byte[] ComputeDigest() => ComputeDigest(_bytes);

    /// <inheritdoc cref="ComputeDigest()"/>
    public static byte[] ComputeDigest(ReadOnlySpan<byte> header)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header[..OffEphemeral]);
        sha.AppendData(header[OffEntry..^DigestSize]);
        return sha.GetHashAndReset();
    }

    /// <summary>True if the stored digest is the one <see cref="ComputeDigest()"/> gives.</summary>
    public bool DigestMatches() => CryptographicOperations.FixedTimeEquals(ComputeDigest(), StoredDigest);

    // ---- writing (the sealing tool) ---------------------------------------------------------------

    /// <summary>Lays out the fixed part and region table of a header into <paramref name="header"/> (digest and wrapped key left to the caller).</summary>
    internal static void Write(Span<byte> header, ReadOnlySpan<byte> chipFingerprint, ulong entry, ushort flags,
        ReadOnlySpan<SealedRegionEntry> regions, ReadOnlySpan<byte> ciphertextHashes, ulong macTableOffset, ulong macTableLength)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[OffVersion..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[OffFlags..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[OffHeaderLength..], (uint)header.Length);
        chipFingerprint.CopyTo(header[OffFingerprint..]);
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffEntry..], entry);
        BinaryPrimitives.WriteUInt32LittleEndian(header[OffRegionCount..], (uint)regions.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffMacTableOffset..], macTableOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffMacTableLength..], macTableLength);
        for (int i = 0; i < regions.Length; i++)
        {
            var e = header.Slice(FixedHeaderSize + i * RegionEntrySize, RegionEntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(e, regions[i].Start);
            BinaryPrimitives.WriteUInt64LittleEndian(e[8..], regions[i].Size);
            BinaryPrimitives.WriteUInt64LittleEndian(e[16..], regions[i].FileOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(e[24..], regions[i].RegionId);
            e[28] = (byte)regions[i].Permissions;
            ciphertextHashes.Slice(i * 32, 32).CopyTo(e[32..64]);
        }
    }

    /// <summary>Writes the wrapped key and the digest into a laid-out header.</summary>
    internal static void Seal(Span<byte> header, ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> wrappedKey, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> digest)
    {
        ephemeralPublicKey.CopyTo(header[OffEphemeral..]);
        wrappedKey.CopyTo(header[OffWrappedKey..]);
        tag.CopyTo(header[(OffWrappedKey + 32)..]);
        digest.CopyTo(header[^DigestSize..]);
    }
}
