namespace Cloak.Chip.Security;

/// <summary>
/// Off-chip integrity metadata of the authenticated memory mode: per line a write counter and a MAC,
/// and the inner nodes of each region's counter tree. It lives outside the chip, so the OS and any
/// adversary may read and rewrite all of it (the chip detects what they change: MACs bind each line
/// to its region, offset and counter, and the counters are bound to an on-chip root).
/// Regions are identified by a keyed tag of their key and their region id, never by the key itself.
/// </summary>
public sealed class IntegrityMetadataStore
{
    public const int LinesPerPage = 64;

    internal sealed class PageRecord
    {
        public readonly ulong[] Counters = new ulong[LinesPerPage];
        public readonly ulong[] Macs = new ulong[LinesPerPage];
    }

    internal readonly record struct RegionKey(ulong KeyTag, uint RegionId);

    private readonly Dictionary<(RegionKey Region, uint Page), PageRecord> _pages = [];
    private readonly Dictionary<(RegionKey Region, int Level, ulong Index), ulong> _nodes = [];

    internal PageRecord Page(RegionKey region, uint page, bool create)
    {
        if (_pages.TryGetValue((region, page), out var record)) return record;
        if (!create) return Empty;
        record = new PageRecord();
        _pages[(region, page)] = record;
        return record;
    }

    private static readonly PageRecord Empty = new();

    internal bool TryNode(RegionKey region, int level, ulong index, out ulong hash) => _nodes.TryGetValue((region, level, index), out hash);
    internal void SetNode(RegionKey region, int level, ulong index, ulong hash) => _nodes[(region, level, index)] = hash;

    // ---- the adversary's view: everything is addressable by region id and line number -------------

    /// <summary>Region ids that have metadata (several keys may use one id; each is listed once per key).</summary>
    public IReadOnlyList<(ulong KeyTag, uint RegionId)> Regions =>
        [.. _pages.Keys.Select(k => (k.Region.KeyTag, k.Region.RegionId)).Distinct()];

    public ulong ReadCounter(ulong keyTag, uint regionId, ulong line) =>
        Page(new RegionKey(keyTag, regionId), (uint)(line / LinesPerPage), create: false).Counters[line % LinesPerPage];

    public void WriteCounter(ulong keyTag, uint regionId, ulong line, ulong value) =>
        Page(new RegionKey(keyTag, regionId), (uint)(line / LinesPerPage), create: true).Counters[line % LinesPerPage] = value;

    public ulong ReadMac(ulong keyTag, uint regionId, ulong line) =>
        Page(new RegionKey(keyTag, regionId), (uint)(line / LinesPerPage), create: false).Macs[line % LinesPerPage];

    public void WriteMac(ulong keyTag, uint regionId, ulong line, ulong value) =>
        Page(new RegionKey(keyTag, regionId), (uint)(line / LinesPerPage), create: true).Macs[line % LinesPerPage] = value;

    /// <summary>A copy of the metadata of one page (for replay attacks: capture now, restore later).</summary>
    public (ulong[] Counters, ulong[] Macs) Snapshot(ulong keyTag, uint regionId, uint page)
    {
        var record = Page(new RegionKey(keyTag, regionId), page, create: false);
        return ([.. record.Counters], [.. record.Macs]);
    }

    public void Restore(ulong keyTag, uint regionId, uint page, (ulong[] Counters, ulong[] Macs) snapshot)
    {
        var record = Page(new RegionKey(keyTag, regionId), page, create: true);
        snapshot.Counters.CopyTo(record.Counters, 0);
        snapshot.Macs.CopyTo(record.Macs, 0);
    }

    /// <summary>Overwrites every stored tree node of a region with the given values (for tree-replay attacks).</summary>
    public IReadOnlyDictionary<(int Level, ulong Index), ulong> Nodes(ulong keyTag, uint regionId) =>
        _nodes.Where(n => n.Key.Region == new RegionKey(keyTag, regionId)).ToDictionary(n => (n.Key.Level, n.Key.Index), n => n.Value);

    public void WriteNode(ulong keyTag, uint regionId, int level, ulong index, ulong hash) =>
        _nodes[(new RegionKey(keyTag, regionId), level, index)] = hash;
}
