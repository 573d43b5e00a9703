using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloak.Chip.Security;

namespace Cloak.Chip.Memory;

/// <summary>Counters of a cache.</summary>
public sealed class CacheStatistics
{
    internal ulong FastHits;
    public ulong Hits => FastHits + SlowHits;
    public ulong SlowHits { get; internal set; }
    public ulong Misses { get; internal set; }
    public ulong WriteBacks { get; internal set; }
    /// <summary>Write-backs the encryption unit refused because the line's counters were tampered with.</summary>
    public ulong WriteBacksRefused { get; internal set; }
    public ulong Evictions { get; internal set; }
}

/// <summary>
/// The on-chip data cache (SPEC 2.2): set associative, 64-byte lines, write-back, write-allocate,
/// round-robin replacement within a set. It holds the plaintext of protected lines; each line is
/// tagged with its physical line and the context it was decrypted under (key slot, region id,
/// instance and line index in the region), and an access under any other context never hits it: the
/// other copy is written back and dropped first, and the line is filled again under the new context.
/// Threat: the OS maps a page of a region at the frame of another page of the same region (a splice
/// through the page table); tagging by key alone would serve the other page's plaintext unchecked.
/// For speed each (physical page, page context) pair has a map from line number to cache slot, which
/// the hart's TLB points at: a hit costs one load and a compare. The maps mirror the tags exactly.
/// Maps of pages that hold no line are discarded once they outnumber the cache's lines (the hart
/// drops its TLB first, since it points into them), so host memory stays bounded however many
/// regions come and go.
/// </summary>
internal sealed unsafe partial class DataCache
{
    private struct LineMeta
    {
        public ulong PhysicalLine;
        public LineContext Context;
        public bool Valid;
    }

    internal sealed class PageMap
    {
        private readonly int[] _slots = GC.AllocateArray<int>(64, pinned: true);

        public PageMap() => Array.Fill(_slots, -1);

        /// <summary>Lines of the page in the cache under this map's context.</summary>
        public int Lines;

        public int* Pointer => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slots));
        public int this[int line] { get => _slots[line]; set => _slots[line] = value; }
    }

    private readonly int _sets, _ways;
    private readonly byte[] _data, _dirty;
    private readonly LineMeta[] _meta;
    private readonly int[] _nextVictim;
    private readonly Dictionary<PageKey, PageMap> _maps = [];
    private readonly int _purgeAt;

    /// <summary>A physical page seen through one context: key slot, region, instance, and the line index in the region of the page's first line.</summary>
    public readonly record struct PageKey(ulong Page, int KeySlot, uint RegionId, uint Instance, uint FirstLineIndex)
    {
        public static PageKey Of(ulong physicalLine, in LineContext context) =>
            new(physicalLine >> 6, context.KeySlot, context.RegionId, context.Instance, context.LineIndex - (uint)(physicalLine & 63));
    }
    private readonly Dictionary<ulong, int> _linesInPage = [];
    private readonly MemoryEncryptionUnit _meu;

    public DataCache(int bytes, int ways, MemoryEncryptionUnit meu)
    {
        _ways = ways;
        _sets = bytes / 64 / ways;
        _data = GC.AllocateArray<byte>(bytes, pinned: true);
        _dirty = GC.AllocateArray<byte>(_sets * ways, pinned: true);
        _meta = new LineMeta[_sets * ways];
        _nextVictim = new int[_sets];
        _purgeAt = 2 * _sets * ways + 1024;
        _meu = meu;
        Data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data));
        Dirty = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_dirty));
    }

    public CacheStatistics Statistics { get; } = new();

    /// <summary>Line data (64 bytes per slot) and dirty flags, for the hart's fast path.</summary>
    public byte* Data { get; }
    public byte* Dirty { get; }

    public int Sets => _sets;
    public int Ways => _ways;

    /// <summary>Raised before maps are discarded: whoever kept a pointer into one (the hart's TLB) must drop it.</summary>
    public event Action? MapsDiscarding;

    /// <summary>Page maps held now (bounded: see the class comment).</summary>
    public int MapCount => _maps.Count;

    public PageMap MapFor(PageKey key)
    {
        if (!_maps.TryGetValue(key, out var map))
        {
            if (_maps.Count >= _purgeAt) DiscardEmptyMaps();
            map = new PageMap();
            _maps[key] = map;
        }
        return map;
    }

    /// <summary>
    /// The slot holding physical line <paramref name="address"/> under <paramref name="context"/>'s key,
    /// filling it on a miss. -1 when the fill fails authentication (an integrity fault).
    /// </summary>
    public int Access(ulong address, in LineContext context)
    {
        ulong line = address >> 6;
        var map = MapFor(PageKey.Of(line, context));
        int slot = map[(int)(line & 63)];
        if (slot >= 0)
        {
            Statistics.SlowHits++;
            return slot;
        }
        Statistics.Misses++;
        int set = (int)(line % (ulong)_sets);
        // A copy under another context must not survive next to this one.
        for (int way = 0; way < _ways; way++)
        {
            int other = set * _ways + way;
            if (_meta[other].Valid && _meta[other].PhysicalLine == line) Evict(other);
        }
        int victim = set * _ways + _nextVictim[set];
        _nextVictim[set] = (_nextVictim[set] + 1) % _ways;
        if (_meta[victim].Valid) Evict(victim);

        if (!_meu.Fill(line << 6, context, new Span<byte>(Data + victim * 64, 64))) return -1;
        _meta[victim] = new LineMeta { PhysicalLine = line, Context = context, Valid = true };
        Dirty[victim] = 0;
        map[(int)(line & 63)] = victim;
        map.Lines++;
        _linesInPage[line >> 6] = _linesInPage.GetValueOrDefault(line >> 6) + 1;
        return victim;
    }

    /// <summary>Writes a slot back if dirty and drops it.</summary>
    private void Evict(int slot)
    {
        ref var meta = ref _meta[slot];
        if (Dirty[slot] != 0)
        {
            // Refused only when the line's stored counters no longer match the on-chip root (the OS
            // changed them). The line is dropped unwritten; since the metadata stays inconsistent with
            // the root, the owner's next access to the line fails authentication: an integrity fault.
            if (!_meu.WriteBack(meta.PhysicalLine << 6, meta.Context, new ReadOnlySpan<byte>(Data + slot * 64, 64)))
                Statistics.WriteBacksRefused++;
            Statistics.WriteBacks++;
            Dirty[slot] = 0;
        }
        var map = _maps[PageKey.Of(meta.PhysicalLine, meta.Context)];
        map[(int)(meta.PhysicalLine & 63)] = -1;
        map.Lines--;
        ulong page = meta.PhysicalLine >> 6;
        if (--_linesInPage[page] == 0) _linesInPage.Remove(page);
        meta.Valid = false;
        Statistics.Evictions++;
    }

    /// <summary>True if any line of [address, address + length) is cached (cheap check for the coherence hook).</summary>
    public bool Holds(ulong address, ulong length)
    {
        if (_linesInPage.Count == 0 || length == 0) return false;
        for (ulong page = address >> 12; page <= (address + length - 1) >> 12; page++)
            if (_linesInPage.ContainsKey(page)) return true;
        return false;
    }

    /// <summary>
    /// Makes DRAM current for [address, address + length): dirty lines are written back (encrypted);
    /// with <paramref name="invalidate"/> the lines are dropped as well (before someone else writes there).
    /// </summary>
    public void Flush(ulong address, ulong length, bool invalidate)
    {
        if (!Holds(address, length)) return;
        ulong first = address >> 6, last = (address + length - 1) >> 6;
        for (int slot = 0; slot < _meta.Length; slot++)
        {
            ref var meta = ref _meta[slot];
            if (!meta.Valid || meta.PhysicalLine < first || meta.PhysicalLine > last) continue;
            if (invalidate)
            {
                Evict(slot);
            }
            else if (Dirty[slot] != 0)
            {
                _meu.WriteBack(meta.PhysicalLine << 6, meta.Context, new ReadOnlySpan<byte>(Data + slot * 64, 64));
                Statistics.WriteBacks++;
                Dirty[slot] = 0;
            }
        }
    }

    private void DiscardEmptyMaps()
    {
        MapsDiscarding?.Invoke();
        foreach (var (key, map) in _maps)
            if (map.Lines == 0) _maps.Remove(key);
    }

    /// <summary>
    /// Drops every line whose context <paramref name="match"/> accepts, dirty or not, without writing it
    /// back: its region's integrity root is gone, so DRAM could no longer verify what it would receive.
    /// </summary>
    public void Drop(Func<LineContext, bool> match)
    {
        for (int slot = 0; slot < _meta.Length; slot++)
            if (_meta[slot].Valid && match(_meta[slot].Context))
            {
                Dirty[slot] = 0;
                Evict(slot);
            }
    }

    /// <summary>Writes back and drops every line of a key slot (before the slot takes another key).</summary>
    public void FlushKey(int keySlot)
    {
        for (int slot = 0; slot < _meta.Length; slot++)
            if (_meta[slot].Valid && _meta[slot].Context.KeySlot == keySlot) Evict(slot);
    }

    /// <summary>Writes back every dirty line (at the end of a run, so DRAM shows the final state).</summary>
    public void WriteBackAll()
    {
        for (int slot = 0; slot < _meta.Length; slot++)
            if (_meta[slot].Valid && Dirty[slot] != 0)
            {
                _meu.WriteBack(_meta[slot].PhysicalLine << 6, _meta[slot].Context, new ReadOnlySpan<byte>(Data + slot * 64, 64));
                Statistics.WriteBacks++;
                Dirty[slot] = 0;
            }
    }
}
