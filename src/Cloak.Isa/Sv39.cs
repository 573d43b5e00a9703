namespace Cloak.Isa;

/// <summary>
/// Sv39's architectural parameters (privileged spec 4.4): three levels of 512 eight-byte entries,
/// 4 KiB pages, 2 MiB and 1 GiB superpages, and the satp encoding. Shared by the chip's walker
/// (<c>Cloak.Chip.Memory.PageTableWalker</c>) and the OS model that writes the tables.
/// </summary>
public static class Sv39
{
    public const ulong SatpModeBare = 0, SatpModeSv39 = 8;
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;

    public static ulong SatpMode(ulong satp) => satp >> 60;
    public static ulong SatpPpn(ulong satp) => satp & ((1UL << 44) - 1);
    public static ulong MakeSatp(ulong rootPpn, ushort asid = 0) => SatpModeSv39 << 60 | (ulong)asid << 44 | rootPpn;

    /// <summary>Virtual addresses must be sign extensions of bit 38.</summary>
    public static bool IsCanonical(ulong va) => (ulong)((long)(va << 25) >> 25) == va;
}
