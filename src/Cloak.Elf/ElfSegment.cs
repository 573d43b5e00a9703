namespace Cloak.Elf;

[Flags]
public enum SegmentFlags : uint
{
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
}

/// <summary>A PT_LOAD program header with its file bytes (the rest up to <see cref="MemorySize"/> is zero).</summary>
public sealed record ElfSegment(
    int Index, ulong VirtualAddress, ulong PhysicalAddress, ulong MemorySize, SegmentFlags Flags, ReadOnlyMemory<byte> FileBytes)
{
    public ulong VirtualEnd => VirtualAddress + MemorySize;
    public ulong PhysicalEnd => PhysicalAddress + MemorySize;

    public override string ToString() =>
        $"segment {Index} [0x{VirtualAddress:x}, 0x{VirtualEnd:x}) {(Flags.HasFlag(SegmentFlags.Read) ? 'r' : '-')}{(Flags.HasFlag(SegmentFlags.Write) ? 'w' : '-')}{(Flags.HasFlag(SegmentFlags.Execute) ? 'x' : '-')}";
}
