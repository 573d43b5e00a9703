namespace Cloak.Chip.Security;

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

    internal sealed class PageRecord
    {
        public readonly ulong[] Counters = new ulong[LinesPerPage];
        public readonly ulong[] Macs = new ulong[LinesPerPage];
    }


    private readonly Dictionary<(IntegrityRegion Region, uint Page), PageRecord> _pages = [];
    private readonly Dictionary<(IntegrityRegion Region, int Level, ulong Index), ulong> _nodes = [];

    internal PageRecord Page(IntegrityRegion region, uint page, bool create)
    {
        if (_pages.TryGetValue((region, page), out var record)) return record;
        if (!create) return Empty;
        record = new PageRecord();
        _pages[(region, page)] = record;
        return record;
    }

    private static readonly PageRecord Empty = new();

    internal bool TryNode(IntegrityRegion region, int level, ulong index, out ulong hash) => _nodes.TryGetValue((region, level, index), out hash);
    internal void SetNode(IntegrityRegion region, int level, ulong index, ulong hash) => _nodes[(region, level, index)] = hash;

    // ---- the adversary's view: everything is addressable by region and line number ----------------

    /// <summary>Regions that have metadata.</summary>
    public IReadOnlyList<IntegrityRegion> Regions => [.. _pages.Keys.Select(k => k.Region).Distinct()];

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

    /// <summary>Overwrites every stored tree node of a region with the given values (for tree-replay attacks).</summary>
    public IReadOnlyDictionary<(int Level, ulong Index), ulong> Nodes(IntegrityRegion region) =>
        _nodes.Where(n => n.Key.Region == region).ToDictionary(n => (n.Key.Level, n.Key.Index), n => n.Value);

    public void WriteNode(IntegrityRegion region, int level, ulong index, ulong hash) =>
        _nodes[(region, level, index)] = hash;
}
