using System.Security.Cryptography;
using Cloak.Isa;

namespace Cloak.Sealing;

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
/// The sealed program image (docs/sealed-image.md, format version 2): a user program whose regions
/// are encrypted line by line under a fresh program key (XTS, tweak = region id and line), with the
/// program key wrapped to one chip's public key (the distribution key, ECIES over P-256) and bound to
/// a digest of the header and every region's ciphertext, so a changed, truncated or spliced image,
/// or an image for another chip, cannot be entered. The untrusted loader reads the layout from here;
/// the chip re-checks everything at trp.enter.
/// </summary>
public sealed class SealedImage
{
    public static ReadOnlySpan<byte> Magic => SealedImageHeader.Magic;
    public const ushort FormatVersion = SealedImageHeader.FormatVersion;

    private SealedImage(byte[] bytes, int headerLength, ulong entry, ushort flags, byte[] fingerprint, byte[] digest,
        IReadOnlyList<SealedRegion> regions, ulong macTableOffset, ulong macTableLength)
    {
        Bytes = bytes;
        HeaderLength = headerLength;
        Entry = entry;
        Flags = flags;
        ChipFingerprint = fingerprint;
        Digest = digest;
        Regions = regions;
        MacTableOffset = macTableOffset;
        MacTableLength = macTableLength;
    }

    /// <summary>The whole file.</summary>
    public byte[] Bytes { get; }

    /// <summary>Bytes of the header: fixed part, region table, digest.</summary>
    public int HeaderLength { get; }
    public ulong Entry { get; }
    public ushort Flags { get; }
    public byte[] ChipFingerprint { get; }
    /// <summary>The image's digest (docs/sealed-image.md): its identity, as the chip records it at trp.enter.</summary>
    public byte[] Digest { get; }
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
        if (!SealedImageHeader.TryRead(file, out var header, out string problem)) throw new SealedImageException(problem);
        if (!header.DigestMatches())
            throw new SealedImageException("the stored digest does not match the header: the image was changed or corrupted");
        var regions = new List<SealedRegion>();
        for (int i = 0; i < header.RegionCount; i++)
        {
            var r = header.Region(i);
            if (r.FileOffset < (ulong)header.Length || r.FileOffset > (ulong)file.Length || r.Size > (ulong)file.Length - r.FileOffset)
                throw new SealedImageException($"region {i}: ciphertext (offset 0x{r.FileOffset:x}, 0x{r.Size:x} bytes) lies outside the file: truncated or corrupt");
            regions.Add(new SealedRegion(r.Start, r.Size, r.FileOffset, r.RegionId, r.Permissions, header.CiphertextHash(i).ToArray()));
        }
        ulong macOffset = header.MacTableOffset, macLength = header.MacTableLength;
        if (macLength != header.TotalLines * 8 || macOffset < (ulong)header.Length || macOffset > (ulong)file.Length || macLength > (ulong)file.Length - macOffset)
            throw new SealedImageException("the MAC table is missing, truncated or the wrong size");
        return new SealedImage(file, header.Length, header.Entry, header.Flags, header.ChipFingerprint.ToArray(), header.StoredDigest.ToArray(),
            regions, macOffset, macLength);
    }

    /// <summary>SHA-256 of a chip public key (64 bytes X || Y): what an image names its chip by.</summary>
    public static byte[] Fingerprint(ReadOnlySpan<byte> chipPublicKey) => SHA256.HashData(chipPublicKey);

    /// <inheritdoc cref="SealedImageHeader.ComputeDigest(ReadOnlySpan{byte})"/>
    public static byte[] ComputeDigest(ReadOnlySpan<byte> header) => SealedImageHeader.ComputeDigest(header);
}
