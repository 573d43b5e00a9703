using Cloak.Elf;
using Cloak.Sealing;

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
