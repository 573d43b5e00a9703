namespace Cloak.Platform;

/// <summary>Names a region to the off-chip integrity metadata: a keyed tag of its key, its region id, its instance.</summary>
public readonly record struct IntegrityRegion(ulong KeyTag, uint RegionId, uint Instance);

/// <summary>
/// Off-chip integrity metadata of the authenticated memory mode: per line a write counter and a MAC,
/// and the inner nodes of each region's counter tree. It lives outside the chip, so the OS and any
/// adversary may read and rewrite all of it (the chip detects what they change: MACs bind each line
/// to its region, offset and counter, and the counters are bound to an on-chip root).
/// Regions are identified by a keyed tag of their key, their region id and an instance number (a
/// program image's private regions get one per protected context, since every run of a sealed program
/// has its own copy under the same key), never by the key itself.
/// </summary>
public sealed class IntegrityMetadataStore
{
    public const int LinesPerPage = 64;

    /// <summary>Counter-tree levels above the lines (arity 8, so 2^33 lines at most; the chip uses up to 11).</summary>
    public const int TreeLevels = 11;

    internal sealed class PageRecord
    {
        public readonly ulong[] Counters = new ulong[LinesPerPage];
        public readonly ulong[] Macs = new ulong[LinesPerPage];
    }

    /// <summary>The 8 sibling nodes under one parent, stored together (a bit per node that has been written).</summary>
    internal sealed class NodeGroup
    {
        public readonly ulong[] Hashes = new ulong[8];
        public byte Present;
    }

    /// <summary>Everything kept for one region: counter/MAC pages and, per tree level, node groups by parent index.</summary>
    internal sealed class RegionRecord
    {
        public readonly Dictionary<uint, PageRecord> Pages = [];
        public readonly Dictionary<ulong, NodeGroup>[] Groups = [.. Enumerable.Range(0, TreeLevels).Select(_ => new Dictionary<ulong, NodeGroup>())];
    }

    private readonly Dictionary<IntegrityRegion, RegionRecord> _regions = [];

    internal RegionRecord? Region(IntegrityRegion region, bool create)
    {
        if (_regions.TryGetValue(region, out var record) || !create) return record;
        record = new RegionRecord();
        _regions[region] = record;
        return record;
    }

    /// <summary>Regions the store keeps records for (with or without pages yet): what it costs the host.</summary>
    internal int RegionRecords => _regions.Count;

    /// <summary>Frees a region's counters, MACs and nodes once the chip has let its root go (they can no longer verify anything).</summary>
    internal void Discard(IntegrityRegion region) => _regions.Remove(region);

    internal PageRecord Page(IntegrityRegion region, uint page, bool create) =>
        Page(Region(region, create), page, create);

    internal static PageRecord Page(RegionRecord? region, uint page, bool create)
    {
        if (region is null) return Empty;
        if (region.Pages.TryGetValue(page, out var record)) return record;
        if (!create) return Empty;
        record = new PageRecord();
        region.Pages[page] = record;
        return record;
    }

    private static readonly PageRecord Empty = new();

    // ---- the adversary's view: everything is addressable by region and line number ----------------

    /// <summary>Regions that have metadata.</summary>
    public IReadOnlyList<IntegrityRegion> Regions => [.. _regions.Where(r => r.Value.Pages.Count > 0).Select(r => r.Key)];

    /// <summary>The pages of a region that have counters and MACs stored, in the order they were first written.</summary>
    public IReadOnlyList<uint> Pages(IntegrityRegion region) =>
        Region(region, create: false) is { } record ? [.. record.Pages.Keys] : [];

    public ulong ReadCounter(IntegrityRegion region, ulong line) =>
        Page(region, (uint)(line / LinesPerPage), create: false).Counters[line % LinesPerPage];

    public void WriteCounter(IntegrityRegion region, ulong line, ulong value) =>
        Page(region, (uint)(line / LinesPerPage), create: true).Counters[line % LinesPerPage] = value;

    public ulong ReadMac(IntegrityRegion region, ulong line) =>
        Page(region, (uint)(line / LinesPerPage), create: false).Macs[line % LinesPerPage];

    public void WriteMac(IntegrityRegion region, ulong line, ulong value) =>
        Page(region, (uint)(line / LinesPerPage), create: true).Macs[line % LinesPerPage] = value;

    /// <summary>A copy of the metadata of one page (for replay attacks: capture now, restore later).</summary>
    public (ulong[] Counters, ulong[] Macs) Snapshot(IntegrityRegion region, uint page)
    {
        var record = Page(region, page, create: false);
        return ([.. record.Counters], [.. record.Macs]);
    }

    public void Restore(IntegrityRegion region, uint page, (ulong[] Counters, ulong[] Macs) snapshot)
    {
        var record = Page(region, page, create: true);
        snapshot.Counters.CopyTo(record.Counters, 0);
        snapshot.Macs.CopyTo(record.Macs, 0);
    }

    /// <summary>Every stored tree node of a region, by level and index (for tree-replay attacks: capture now, write back later).</summary>
    public IReadOnlyDictionary<(int Level, ulong Index), ulong> Nodes(IntegrityRegion region)
    {
        var nodes = new Dictionary<(int, ulong), ulong>();
        if (Region(region, create: false) is not { } record) return nodes;
        for (int level = 0; level < record.Groups.Length; level++)
            foreach (var (parent, group) in record.Groups[level])
                for (int i = 0; i < 8; i++)
                    if ((group.Present & (1 << i)) != 0) nodes[(level, parent * 8 + (ulong)i)] = group.Hashes[i];
        return nodes;
    }

    /// <summary>Overwrites one stored tree node.</summary>
    public void WriteNode(IntegrityRegion region, int level, ulong index, ulong hash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, TreeLevels);
        WriteNode(Region(region, create: true)!, level, index, hash);
    }

    internal static void WriteNode(RegionRecord region, int level, ulong index, ulong hash)
    {
        var groups = region.Groups[level];
        if (!groups.TryGetValue(index / 8, out var group)) groups[index / 8] = group = new NodeGroup();
        group.Hashes[index % 8] = hash;
        group.Present |= (byte)(1 << (int)(index % 8));
    }
}
