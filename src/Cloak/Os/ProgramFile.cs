using Cloak.Chip.Security;
using Cloak.Elf;

namespace Cloak.Os;

/// <summary>A program file as given to <c>cloak run</c>: a plain ELF or a sealed image.</summary>
public sealed record ProgramFile(string Path, ElfImage? Elf, SealedImage? Sealed)
{
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public bool IsUserProcess => Sealed is not null || (Elf is not null && OsMachine.IsUserProcessImage(Elf));

    /// <summary>Reads a file; throws <see cref="ElfFormatException"/> or <see cref="SealedImageException"/> naming the problem.</summary>
    public static ProgramFile Load(string path)
    {
        byte[] head = new byte[8];
        try
        {
            using var stream = File.OpenRead(path);
            _ = stream.Read(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ElfFormatException($"cannot read '{path}': {e.Message}", e);
        }
        return SealedImage.IsSealed(head)
            ? new ProgramFile(path, null, SealedImage.Load(path))
            : new ProgramFile(path, ElfImage.Load(path), null);
    }
}

/// <summary>Seals user programs for a chip (the vendor's side of SPEC 2.4's distribution key).</summary>
public static class Sealing
{
    /// <summary>Encrypts a libcloak user program's page groups for the chip with <paramref name="chipPublicKey"/>.</summary>
    public static byte[] Seal(ElfImage image, ReadOnlySpan<byte> chipPublicKey)
    {
        if (!OsMachine.IsUserProcessImage(image))
            throw new ElfFormatException("only user programs linked with libcloak (guest/lib) can be sealed: a sealed program runs as a process");
        var regions = image.PageGroups().Select(g => new PlainRegion(g.Start, g.End - g.Start,
            (g.Flags.HasFlag(SegmentFlags.Read) ? RegionPermissions.Read : 0) |
            (g.Flags.HasFlag(SegmentFlags.Write) ? RegionPermissions.Write : 0) |
            (g.Flags.HasFlag(SegmentFlags.Execute) ? RegionPermissions.Execute : 0), g.Bytes)).ToList();
        return ImageSealer.Seal(regions, image.Entry, chipPublicKey);
    }
}
