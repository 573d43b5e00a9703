namespace Cloak.Isa;

/// <summary>Sv39 page-table entry bits (privileged spec 4.4.1, figure 4.21).</summary>
public static class Pte
{
    public const ulong Valid = 1 << 0, Read = 1 << 1, Write = 1 << 2, Execute = 1 << 3, User = 1 << 4,
        Global = 1 << 5, Accessed = 1 << 6, Dirty = 1 << 7;

    /// <summary>Bits 63:54 are reserved (Svnapot, Svpbmt and the rest are not implemented): must be zero.</summary>
    public const ulong ReservedMask = 0xFFC0_0000_0000_0000;

    public const int PpnShift = 10;
    public const ulong PpnMask = (1UL << 44) - 1;

    public static ulong Ppn(ulong pte) => pte >> PpnShift & PpnMask;

    /// <summary>A leaf entry mapping physical page <paramref name="ppn"/> with the given flags.</summary>
    public static ulong Leaf(ulong ppn, ulong flags) => ppn << PpnShift | flags | Valid;

    /// <summary>A pointer to the next-level table at physical page <paramref name="ppn"/>.</summary>
    public static ulong Table(ulong ppn) => ppn << PpnShift | Valid;
}
