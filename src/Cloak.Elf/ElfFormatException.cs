namespace Cloak.Elf;

/// <summary>A file Cloak will not load, with a message that says why in one line.</summary>
public sealed class ElfFormatException : Exception
{
    public ElfFormatException(string message) : base(message) { }
    public ElfFormatException(string message, Exception inner) : base(message, inner) { }
    public ElfFormatException() : base("malformed ELF file") { }
}
