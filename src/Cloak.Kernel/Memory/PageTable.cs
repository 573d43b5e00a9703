using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Kernel.Memory;

/// <summary>
/// One process's Sv39 page table, kept in simulated DRAM where the MMU walks it. The kernel writes
/// entries as plain 64-bit words through the bus-master view of DRAM (which the adversary shares).
/// </summary>
internal sealed class PageTable
{
    private readonly Dram _dram;
    private readonly Func<ulong?> _allocateTableFrame;
    private readonly List<ulong> _tableFrames = [];

    public PageTable(Dram dram, Func<ulong?> allocateTableFrame)
    {
        _dram = dram;
        _allocateTableFrame = allocateTableFrame;
        RootFrame = NewTable() ?? throw new InvalidOperationException("no frame for a page-table root");
    }

    public ulong RootFrame { get; }
    public IReadOnlyList<ulong> TableFrames => _tableFrames;

    private ulong? NewTable()
    {
        if (_allocateTableFrame() is not { } frame) return null;
        _dram.Clear(frame << 12, 4096);
        _tableFrames.Add(frame);
        return frame;
    }

    /// <summary>The physical address of the leaf entry for <paramref name="va"/>, creating tables if asked.</summary>
    public ulong? LeafEntryAddress(ulong va, bool create)
    {
        ulong table = RootFrame;
        for (int level = 2; level > 0; level--)
        {
            ulong entryAddress = (table << 12) + ((va >> (12 + 9 * level)) & 0x1FF) * 8;
            ulong pte = _dram.ReadUInt64(entryAddress);
            if ((pte & Pte.Valid) == 0)
            {
                if (!create) return null;
                if (NewTable() is not { } next) return null;
                _dram.WriteUInt64(entryAddress, Pte.Table(next));
                table = next;
            }
            else
            {
                if ((pte & (Pte.Read | Pte.Execute)) != 0) return null; // a superpage: not made by this kernel
                table = Pte.Ppn(pte);
            }
        }
        return (table << 12) + ((va >> 12) & 0x1FF) * 8;
    }

    public ulong Read(ulong va) => LeafEntryAddress(va, create: false) is { } a ? _dram.ReadUInt64(a) : 0;

    public bool Map(ulong va, ulong frame, Protection protection)
    {
        if (LeafEntryAddress(va, create: true) is not { } address) return false;
        ulong flags = Pte.User |
            ((protection & Protection.Read) != 0 ? Pte.Read : 0) |
            ((protection & Protection.Write) != 0 ? Pte.Write | Pte.Read : 0) |
            ((protection & Protection.Execute) != 0 ? Pte.Execute : 0);
        _dram.WriteUInt64(address, Pte.Leaf(frame, flags));
        return true;
    }

    /// <summary>Writes a raw leaf entry (the adversary's remap uses this).</summary>
    public bool WriteEntry(ulong va, ulong pte)
    {
        if (LeafEntryAddress(va, create: true) is not { } address) return false;
        _dram.WriteUInt64(address, pte);
        return true;
    }

    /// <summary>Clears the leaf entry; returns the old one.</summary>
    public ulong Unmap(ulong va)
    {
        if (LeafEntryAddress(va, create: false) is not { } address) return 0;
        ulong old = _dram.ReadUInt64(address);
        if (old != 0) _dram.WriteUInt64(address, 0);
        return old;
    }

    public void ClearAccessed(ulong va)
    {
        if (LeafEntryAddress(va, create: false) is not { } address) return;
        ulong pte = _dram.ReadUInt64(address);
        if ((pte & Pte.Accessed) != 0) _dram.WriteUInt64(address, pte & ~Pte.Accessed);
    }
}
