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

    /// <summary>
    /// No R, W or X in p_flags. QEMU's loader (-kernel, -bios) ignores p_flags, and the upstream
    /// riscv-test-env links its tests into one such segment; a bare-metal machine loads it as code and data.
    /// </summary>
    public bool HasNoFlags => Flags == SegmentFlags.None;

    /// <summary>Executable, or without flags (so it may hold the entry point and code).</summary>
    public bool MayHoldCode => Flags.HasFlag(SegmentFlags.Execute) || HasNoFlags;
    public ulong PhysicalEnd => PhysicalAddress + MemorySize;

    public override string ToString() =>
        $"segment {Index} [0x{VirtualAddress:x}, 0x{VirtualEnd:x}) {(Flags.HasFlag(SegmentFlags.Read) ? 'r' : '-')}{(Flags.HasFlag(SegmentFlags.Write) ? 'w' : '-')}{(Flags.HasFlag(SegmentFlags.Execute) ? 'x' : '-')}";
}
