using Cloak.Chip.Security;

namespace Cloak.Chip.Timing;

/// <summary>Where a region's share of the modelled cycles is kept (the memory encryption unit's per-region counters).</summary>
internal static class RegionCycles
{
    public const int Memory = 0, Decrypt = 1, Encrypt = 2, Mac = 3, Tree = 4, Count = 5;
}

/// <summary>
/// The timing model of the memory hierarchy below the data cache (docs/cost-model.md): a tag-only L2,
/// DRAM latency and bus occupancy, and for protected lines the cryptography of the chosen
/// <see cref="ProtectionScheme"/> with a counter cache over split-counter blocks and the counter tree
/// above them. It only counts cycles: what is encrypted, MAC'd and checked is the memory encryption
/// unit's business and does not depend on anything here (the root and the functional tree stay exact;
/// the counter cache only decides what a real design would have had to fetch).
/// Every L1 data-cache miss comes here, plain or protected, so a sealed run and a plain run of one
/// program pay for the same hierarchy and their cycle ratio compares like with like.
/// </summary>
internal sealed class MemoryHierarchy
{
    /// <summary>Lines per split-counter block: one 64-bit major and 64 7-bit minor counters fill a 64-byte line (Yan et al. 2006).</summary>
    public const int LinesPerCounterBlock = 64;
    private const int TreeArity = 8;

    private readonly MemoryTiming _timing;
    private readonly CryptoLatency _crypto;
    private readonly bool _authenticated;
    private readonly TagArray _l2;
    private readonly TagArray _counters;
    private readonly List<Region> _regions = [];
    private readonly Dictionary<(uint, uint), int> _regionIndex = [];
    private int _lastRegion = -1;
    private readonly Func<LineContext, int>? _treeTop;

    /// <summary>A protected region as the model knows it: identity, how tall its tree is, where its cycles go.</summary>
    private sealed class Region(uint regionId, uint instance)
    {
        public readonly uint RegionId = regionId;
        public readonly uint Instance = instance;
        public ulong[]? Cycles;
        public LineContext Context;
        /// <summary>Levels below the root, as of the last counter-cache miss with the region's key live.</summary>
        public int Height = 1;
    }

    /// <param name="treeTop">The functional counter tree's top level for a line's region (authenticated mode), so the modelled walk is as tall as the real tree.</param>
    public MemoryHierarchy(MemoryTiming timing, CryptoLatency crypto, MemoryProtectionMode mode, Func<LineContext, int>? treeTop)
    {
        timing.Validate();
        _timing = timing;
        _crypto = crypto;
        _authenticated = mode == MemoryProtectionMode.Authenticated;
        _l2 = new TagArray(timing.L2Bytes / 64, timing.L2Ways, mix: false);
        _counters = new TagArray(timing.CounterCacheBytes / 64, timing.CounterCacheWays, mix: true);
        _treeTop = treeTop;
    }

    public MemoryTiming Timing => _timing;

    /// <summary>Cycles by category: L2 and DRAM (plain and protected data), decryption, encryption, MACs, counters and tree.</summary>
    public ulong MemoryCycles { get; private set; }
    public ulong DecryptCycles { get; private set; }
    public ulong EncryptCycles { get; private set; }
    public ulong MacCycles { get; private set; }
    public ulong TreeCycles { get; private set; }
    public ulong Total => MemoryCycles + DecryptCycles + EncryptCycles + MacCycles + TreeCycles;

    public ulong L2Hits { get; private set; }
    public ulong L2Misses { get; private set; }
    public ulong CounterCacheHits { get; private set; }
    public ulong CounterCacheMisses { get; private set; }
    /// <summary>Counter blocks and tree nodes moved over the bus (fetched or written back).</summary>
    public ulong MetadataLines { get; private set; }

    private bool NeedsCounters => _timing.Scheme == ProtectionScheme.Ctr || _authenticated;

    /// <summary>A plain line missed the L1 data cache.</summary>
    public void FillPlain(ulong physicalLine)
    {
        if (_l2.Access(physicalLine, write: false, 0, out var victim))
        {
            L2Hits++;
            MemoryCycles += _timing.L2HitCycles;
            return;
        }
        L2Misses++;
        MemoryCycles += _timing.L2HitCycles + _timing.DramCycles + _timing.BusCyclesPerLine;
        Evicted(victim);
    }

    /// <summary>A dirty plain line left the L1 data cache (into the L2).</summary>
    public void WriteBackPlain(ulong physicalLine)
    {
        if (!_l2.Access(physicalLine, write: true, 0, out var victim)) Evicted(victim);
    }

    /// <summary>
    /// A protected line missed the L1 (data or instruction cache). On an L2 hit it is on chip as
    /// plaintext and costs the L2's latency only; otherwise DRAM's plus what the scheme adds on the
    /// critical path: XTS decrypts (and checks the MAC) after the data arrives; counter mode computes
    /// the pad while the fetch is in flight, so it adds nothing unless the counter block missed the
    /// counter cache (then the pad waits for the counter, and authenticated memory walks the tree up
    /// to the first cached node).
    /// </summary>
    public void FillProtected(ulong physicalLine, in LineContext line, ulong[]? regionCycles)
    {
        int region = RegionOf(line, regionCycles);
        long owner = Owner(region, line.LineIndex);
        if (_l2.Access(physicalLine, write: false, owner, out var victim))
        {
            L2Hits++;
            Charge(regionCycles, RegionCycles.Memory, _timing.L2HitCycles);
            return;
        }
        L2Misses++;
        Charge(regionCycles, RegionCycles.Memory, _timing.L2HitCycles + _timing.DramCycles + _timing.BusCyclesPerLine);
        bool counterHit = !NeedsCounters || CounterAccess(region, line.LineIndex, write: false, regionCycles, live: true);
        ulong aes = _crypto.DecryptLineCycles, mac = _crypto.MacCycles;
        if (_timing.Scheme == ProtectionScheme.Xts)
        {
            // The data is the cipher's input: decryption and the MAC check run side by side after it arrives.
            Charge(regionCycles, RegionCycles.Decrypt, aes);
            if (_authenticated) Charge(regionCycles, RegionCycles.Mac, mac > aes ? mac - aes : 0);
        }
        else
        {
            // The counter is the cipher's input: with it on chip the pad (and the MAC's pad) is ready
            // before the data; without it, both wait for the counter block, fetched beside the data.
            ulong hidden = counterHit ? _timing.DramCycles : 0;
            Charge(regionCycles, RegionCycles.Decrypt, aes > hidden ? aes - hidden : 0);
            if (_authenticated) Charge(regionCycles, RegionCycles.Mac, mac > Math.Max(aes, hidden) ? mac - Math.Max(aes, hidden) : 0);
        }
        // MACs are packed eight to a line beside the data: an eighth of a line more on the bus.
        if (_authenticated) Charge(regionCycles, RegionCycles.Mac, _timing.BusCyclesPerLine / 8);
        Evicted(victim);
    }

    /// <summary>A dirty protected line left the L1 (into the L2, still plaintext: nothing is encrypted yet).</summary>
    public void WriteBackProtected(ulong physicalLine, in LineContext line, ulong[]? regionCycles)
    {
        int region = RegionOf(line, regionCycles);
        if (!_l2.Access(physicalLine, write: true, Owner(region, line.LineIndex), out var victim)) Evicted(victim);
    }

    /// <summary>trp.enter re-encrypting one line of a sealed image (read, decrypt, encrypt, MAC, write: a bulk copy, bandwidth-bound).</summary>
    public void ConvertImageLine(in LineContext line, ulong[]? regionCycles)
    {
        RegionOf(line, regionCycles);
        Charge(regionCycles, RegionCycles.Memory, 2 * _timing.BusCyclesPerLine);
        Charge(regionCycles, RegionCycles.Decrypt, _crypto.DecryptLineCycles);
        Charge(regionCycles, RegionCycles.Encrypt, _crypto.EncryptLineCycles);
        if (_authenticated) Charge(regionCycles, RegionCycles.Mac, 2 * _crypto.MacCycles);
    }

    /// <summary>
    /// A line left the L2. A dirty one goes to DRAM (bus occupancy); a protected one is encrypted on
    /// the way (the engine's time, charged: misses block, so nothing overlaps it), and with counters
    /// its counter is bumped in the counter cache and, authenticated, its new MAC written.
    /// </summary>
    private void Evicted(in TagArray.Victim victim)
    {
        if (!victim.Valid || !victim.Dirty) return;
        int region = (int)(victim.Owner >> 32) - 1;
        ulong[]? cycles = region >= 0 ? _regions[region].Cycles : null;
        Charge(cycles, RegionCycles.Memory, _timing.BusCyclesPerLine);
        if (region < 0) return;
        Charge(cycles, RegionCycles.Encrypt, _crypto.EncryptLineCycles);
        if (NeedsCounters) CounterAccess(region, (uint)victim.Owner, write: true, cycles, live: false);
        if (_authenticated) Charge(cycles, RegionCycles.Mac, _crypto.MacCycles + _timing.BusCyclesPerLine / 8);
    }

    /// <summary>
    /// The counter block of a line, through the counter cache. A miss fetches it (a line on the bus)
    /// and, authenticated, verifies it: one hash per level up to the first tree node the cache holds
    /// (every node on the way is fetched and then cached; the root is on chip). A dirty block or node
    /// evicted to make room is written back and its parent updated (lazily: the parent is marked
    /// dirty in the cache, fetched first if absent). Returns true on a hit.
    /// </summary>
    /// <param name="live">The region's context is the one being accessed now (its key is in the key table), so the tree's height may be asked for.</param>
    private bool CounterAccess(int region, uint lineIndex, bool write, ulong[]? cycles, bool live)
    {
        ulong block = lineIndex / (uint)LinesPerCounterBlock;
        if (_counters.Access(NodeKey(region, 0, block), write, region + 1L << 32, out var victim))
        {
            CounterCacheHits++;
            return true;
        }
        CounterCacheMisses++;
        Fetched(cycles);
        CounterEvicted(victim);
        if (!_authenticated) return false;
        Charge(cycles, RegionCycles.Tree, _crypto.TreeNodeCycles);
        if (live) _regions[region].Height = TreeHeight(region);
        int height = _regions[region].Height;
        ulong index = block;
        for (int level = 1; level < height; level++)
        {
            index /= TreeArity;
            if (_counters.Access(NodeKey(region, level, index), write: false, (region + 1L << 32) | (uint)level, out var nodeVictim)) break;
            Fetched(cycles);
            Charge(cycles, RegionCycles.Tree, _crypto.TreeNodeCycles);
            CounterEvicted(nodeVictim);
        }
        return false;
    }

    private void CounterEvicted(in TagArray.Victim victim)
    {
        if (!victim.Valid || !victim.Dirty) return;
        int region = (int)(victim.Owner >> 32) - 1;
        ulong[]? cycles = _regions[region].Cycles;
        MetadataLines++;
        Charge(cycles, RegionCycles.Tree, _timing.BusCyclesPerLine);
        if (!_authenticated) return;
        // Lazy update: the parent takes the evicted node's new hash now (Bonsai Merkle tree, Rogers et al. 2007).
        int level = (int)(victim.Owner & 0xFF);
        ulong index = victim.Key & ((1UL << 36) - 1);
        if (level + 1 >= _regions[region].Height) return; // the parent is the on-chip root
        Charge(cycles, RegionCycles.Tree, _crypto.TreeNodeCycles);
        if (!_counters.Access(NodeKey(region, level + 1, index / TreeArity), write: true, (region + 1L << 32) | (uint)(level + 1), out var next))
        {
            Fetched(cycles);
            // One level of cascade is charged; a further dirty victim is written back without climbing on (bounded work per access).
            if (next.Valid && next.Dirty)
            {
                MetadataLines++;
                Charge(_regions[(int)(next.Owner >> 32) - 1].Cycles, RegionCycles.Tree, _timing.BusCyclesPerLine);
            }
        }
    }

    private void Fetched(ulong[]? cycles)
    {
        MetadataLines++;
        Charge(cycles, RegionCycles.Tree, _timing.BusCyclesPerLine);
    }

    /// <summary>Levels of the modelled tree below the on-chip root: counter blocks at level 0, eight children per node.</summary>
    private int TreeHeight(int region)
    {
        if (_treeTop is null) return 1;
        // The functional tree's top node covers 8^(top+1) lines; the model's levels cover 64 x 8^level.
        int top = _treeTop(_regions[region].Context);
        ulong lines = 1UL << Math.Min(63, 3 * (top + 1));
        ulong blocks = Math.Max(1, lines / LinesPerCounterBlock);
        int height = 1;
        for (ulong covered = 1; covered < blocks; covered *= TreeArity) height++;
        return height;
    }

    private static ulong NodeKey(int region, int level, ulong index) => (ulong)region << 40 | (ulong)level << 36 | index;

    private static long Owner(int region, uint lineIndex) => (region + 1L) << 32 | lineIndex;

    private int RegionOf(in LineContext line, ulong[]? regionCycles)
    {
        if (_lastRegion >= 0 && _regions[_lastRegion].RegionId == line.RegionId && _regions[_lastRegion].Instance == line.Instance)
        {
            var last = _regions[_lastRegion];
            last.Cycles = regionCycles;
            last.Context = line;
            return _lastRegion;
        }
        if (!_regionIndex.TryGetValue((line.RegionId, line.Instance), out int index))
        {
            index = _regions.Count;
            _regions.Add(new Region(line.RegionId, line.Instance));
            _regionIndex[(line.RegionId, line.Instance)] = index;
        }
        _regions[index].Cycles = regionCycles;
        _regions[index].Context = line;
        _lastRegion = index;
        return index;
    }

    private void Charge(ulong[]? regionCycles, int category, ulong cycles)
    {
        switch (category)
        {
            case RegionCycles.Memory: MemoryCycles += cycles; break;
            case RegionCycles.Decrypt: DecryptCycles += cycles; break;
            case RegionCycles.Encrypt: EncryptCycles += cycles; break;
            case RegionCycles.Mac: MacCycles += cycles; break;
            default: TreeCycles += cycles; break;
        }
        if (regionCycles is not null) regionCycles[category] += cycles;
    }
}
