using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Support;

/// <summary>
/// Builds Sv39 page tables in DRAM from C#, as the OS model would (privileged spec 4.4): a root table
/// and next-level tables taken from a bump allocator, leaves of 4 KiB, 2 MiB and 1 GiB. Flags are
/// written exactly as given (plus V), so tests control A and D.
/// </summary>
public sealed class PageTables
{
    private readonly Dram _dram;
    private ulong _next;
    private readonly ulong _end;

    /// <param name="tableArea">Physical address of a region (page aligned) for the tables.</param>
    /// <param name="tableAreaSize">Bytes available there.</param>
    public PageTables(Dram dram, ulong tableArea, ulong tableAreaSize = 0x1_0000)
    {
        _dram = dram;
        _next = tableArea;
        _end = tableArea + tableAreaSize;
        Root = AllocateTable();
    }

    /// <summary>Physical address of the root table.</summary>
    public ulong Root { get; }

    /// <summary>satp value selecting Sv39 with this root.</summary>
    public ulong Satp => Sv39.MakeSatp(Root >> Sv39.PageShift);

    public const ulong Size4K = 1UL << 12, Size2M = 1UL << 21, Size1G = 1UL << 30;

    /// <summary>Maps one 4 KiB page; returns the physical address of its PTE.</summary>
    public ulong Map4K(ulong va, ulong pa, ulong flags) => Map(va, pa, flags, level: 0);

    /// <summary>Maps one 2 MiB superpage; returns the physical address of its PTE.</summary>
    public ulong Map2M(ulong va, ulong pa, ulong flags) => Map(va, pa, flags, level: 1);

    /// <summary>Maps one 1 GiB superpage; returns the physical address of its PTE.</summary>
    public ulong Map1G(ulong va, ulong pa, ulong flags) => Map(va, pa, flags, level: 2);

    /// <summary>Writes a raw PTE at <paramref name="level"/> for <paramref name="va"/> (creating the tables above it).</summary>
    public ulong SetEntry(ulong va, int level, ulong pte)
    {
        ulong address = EntryAddress(va, level);
        _dram.WriteUInt64(address, pte);
        return address;
    }

    /// <summary>The PTE address for <paramref name="va"/> at <paramref name="level"/>, creating intermediate tables.</summary>
    public ulong EntryAddress(ulong va, int level)
    {
        ulong table = Root;
        for (int l = 2; l > level; l--)
        {
            ulong address = table + Index(va, l) * 8;
            ulong pte = _dram.ReadUInt64(address);
            if ((pte & Pte.Valid) == 0)
            {
                ulong next = AllocateTable();
                pte = Pte.Table(next >> Sv39.PageShift);
                _dram.WriteUInt64(address, pte);
            }
            table = Pte.Ppn(pte) << Sv39.PageShift;
        }
        return table + Index(va, level) * 8;
    }

    public ulong ReadEntry(ulong pteAddress) => _dram.ReadUInt64(pteAddress);

    private ulong Map(ulong va, ulong pa, ulong flags, int level) =>
        SetEntry(va, level, Pte.Leaf(pa >> Sv39.PageShift, flags));

    private static ulong Index(ulong va, int level) => va >> (12 + 9 * level) & 0x1FF;

    private ulong AllocateTable()
    {
        if (_next + Sv39.PageSize > _end) throw new InvalidOperationException("page-table area exhausted");
        ulong table = _next;
        _next += Sv39.PageSize;
        _dram.Clear(table, (int)Sv39.PageSize);
        return table;
    }
}
