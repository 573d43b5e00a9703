namespace Cloak.Kernel.Memory;

/// <summary>Access rights of a mapping (PROT_READ, PROT_WRITE, PROT_EXEC values, as mmap takes them).</summary>
[Flags]
public enum Protection : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}
