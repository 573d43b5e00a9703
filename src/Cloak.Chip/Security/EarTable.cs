using Cloak.Isa;
namespace Cloak.Chip.Security;

/// <summary>One encrypted attribute register: binds a page-granular virtual range to a key slot and region id.</summary>
internal struct EarEntry
{
    public bool Valid;
    public ulong Start;
    public ulong Length;
    public int KeySlot;
    public RegionKind Kind;
    public RegionPermissions Permissions;
    public uint RegionId;
    /// <summary>Lines never written since the region was made read as zeros (chip-created regions, authenticated mode).</summary>
    public bool FreshIsZero;
    /// <summary>Integrity-metadata instance: the context id for a program image's own regions, 0 for regions shared by key.</summary>
    public uint Instance;

    public readonly bool Contains(ulong va) => Valid && va - Start < Length;
}

/// <summary>
/// The encrypted attribute registers of the running protected process (SPEC 2.3): looked up on
/// every data access that misses the TLB (the result is cached in the TLB entry with the
/// translation), set and cleared only by the owning process in encrypted mode, saved with its
/// protected context. Threat: the OS must not be able to point a process's protected ranges at
/// other keys or ranges; the table lives only on chip and in the sealed context.
/// </summary>
internal sealed class EarTable(int capacity)
{
    private readonly EarEntry[] _entries = new EarEntry[capacity];

    public int Capacity => capacity;
    public ReadOnlySpan<EarEntry> Entries => _entries;
    public int Count => _entries.Count(e => e.Valid);

    public int Lookup(ulong va)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Contains(va)) return i;
        return -1;
    }

    public ref EarEntry this[int index] => ref _entries[index];

    public TrpStatus TryAdd(in EarEntry entry, out int index)
    {
        index = -1;
        if (entry.Length == 0 || (entry.Start & 0xFFF) != 0 || (entry.Length & 0xFFF) != 0 || entry.Start + entry.Length < entry.Start)
            return TrpStatus.BadRegion;
        foreach (var e in _entries)
            if (e.Valid && entry.Start < e.Start + e.Length && e.Start < entry.Start + entry.Length) return TrpStatus.BadRegion;
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Valid) continue;
            _entries[i] = entry;
            _entries[i].Valid = true;
            index = i;
            return TrpStatus.Ok;
        }
        return TrpStatus.EarFull;
    }

    public int IndexStartingAt(ulong start)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Valid && _entries[i].Start == start) return i;
        return -1;
    }

    public void Clear(int index) => _entries[index] = default;

    public void ClearAll() => Array.Clear(_entries);
}
