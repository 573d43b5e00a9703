using System.Buffers.Binary;
using Cloak.Crypto;
using Cloak.Platform;

namespace Cloak.Chip.Security;

/// <summary>
/// Counter integrity for the authenticated memory mode: a Merkle tree of arity 8 per region over the
/// per-line write counters (a Bonsai-style counter tree). Level 0 nodes hash 8 counters, every level
/// above hashes 8 child hashes. The tree is only as tall as the lines written so far need: the chip
/// keeps each region's top level and the hash of its one node there (the root); lines beyond the
/// leaves it covers were never written, so their counters must read 0. A write beyond grows the tree
/// (the old root becomes child 0 of a new top), up to 11 levels for 2^32 lines. A small region thus
/// costs a few hashes per write-back instead of eleven. Nodes live off chip in the
/// <see cref="IntegrityMetadataStore"/>, in groups of the 8 children of one parent; the root of each
/// region and a bounded cache of verified groups live on chip. Threat: an adversary who rolls a
/// counter back (to replay an old line and its old MAC) must change a node, which the on-chip root
/// exposes.
/// Node hash = the line MAC (<see cref="LineMac"/>, a PRF needing no unique tweak) under a chip key,
/// tweaked by the level (position is fixed by the parent).
/// </summary>
internal sealed partial class IntegrityTree : IDisposable
{
    public const int Arity = 8;
    public const int Levels = 11;

    /// <summary>What the chip keeps of one region: its root and the node groups it has verified, per level by parent index.</summary>
    private sealed class RegionState(IntegrityMetadataStore.RegionRecord store)
    {
        public readonly IntegrityMetadataStore.RegionRecord Store = store;
        /// <summary>The top level: its node 0 covers leaves [0, 8^Top).</summary>
        public int Top;
        public ulong Root;
        /// <summary>EAR entries of live contexts that name the region; 0 lets the root go when the table needs room.</summary>
        public int References;
        public ulong LastUse;
        public readonly Dictionary<ulong, ulong[]>[] Trusted = [.. Enumerable.Range(0, Levels - 1).Select(_ => new Dictionary<ulong, ulong[]>())];
    }

    private readonly IntegrityMetadataStore _store;
    private readonly LineMac _hash;
    private readonly ulong[] _emptyHash = new ulong[Levels];
    private readonly Dictionary<IntegrityRegion, RegionState> _regions = [];
    private readonly int _groupCapacity;
    private readonly int _roots;
    private int _trustedGroups;
    private ulong _clock;

    public IntegrityTree(IntegrityMetadataStore store, ReadOnlySpan<byte> chipKey, int cacheCapacity, int roots = 1024)
    {
        _store = store;
        _roots = roots;
        _hash = new LineMac(chipKey);
        _groupCapacity = Math.Max(Levels * 2, cacheCapacity / Arity);
        Span<byte> children = stackalloc byte[64];
        children.Clear();
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
                for (int i = 0; i < Arity; i++) BinaryPrimitives.WriteUInt64LittleEndian(children[(8 * i)..], _emptyHash[level - 1]);
            _emptyHash[level] = _hash.Compute((UInt128)(uint)level << 64, children);
        }
    }

    /// <summary>Roots in the on-chip table (regions in use and unreferenced ones not yet evicted).</summary>
    public int RootsHeld => _regions.Count;
    public int RootCapacity => _roots;
    /// <summary>Roots some live EAR entry names (the rest may be evicted for a new region).</summary>
    public int RootsReferenced => _regions.Values.Count(s => s.References > 0);

    /// <summary>
    /// Takes a reference on <paramref name="region"/>'s root for an EAR entry, making room if it is new:
    /// the least recently used root no live entry names is evicted (<paramref name="evicting"/> first
    /// drops its cached lines; its off-chip metadata is discarded, so its lines no longer verify).
    /// False when every root is referenced: a real chip has a fixed number of them, and silently
    /// growing the table would make on-chip state unbounded (issue 8).
    /// </summary>
    public bool Open(IntegrityRegion region, Action<IntegrityRegion> evicting)
    {
        if (!_regions.ContainsKey(region) && _regions.Count >= _roots)
        {
            IntegrityRegion? victim = null;
            ulong oldest = ulong.MaxValue;
            foreach (var (r, s) in _regions)
                if (s.References == 0 && s.LastUse < oldest) (oldest, victim) = (s.LastUse, r);
            if (victim is not { } v) return false;
            evicting(v);
            Forget(v);
        }
        var state = State(region);
        state.References++;
        state.LastUse = ++_clock;
        return true;
    }

    /// <summary>Drops one reference (an EAR entry cleared, or its context released); the root stays until its slot is needed.</summary>
    public void Close(IntegrityRegion region)
    {
        if (!_regions.TryGetValue(region, out var state)) return;
        if (state.References > 0) state.References--;
        state.LastUse = ++_clock;
    }

    private void Forget(IntegrityRegion region)
    {
        if (!_regions.Remove(region, out var state)) return;
        foreach (var level in state.Trusted) _trustedGroups -= level.Count;
        _store.Discard(region);
    }

    public ulong NodeVerifications { get; private set; }

    /// <summary>The top level of a region's tree, without creating anything (the timing model sizes its walk by it).</summary>
    public int TopLevel(IntegrityRegion region) => _regions.TryGetValue(region, out var state) ? state.Top : 0;
    public ulong NodeUpdates { get; private set; }

    /// <summary>The authentic counter of <paramref name="line"/>, or null if the stored counters do not match the root.</summary>
    public ulong? Counter(IntegrityRegion region, ulong line)
    {
        var state = State(region);
        Span<ulong> counters = stackalloc ulong[Arity];
        LeafCounters(state, line / Arity, counters);
        // Beyond the tree: never written by the chip, so every counter there must still be 0.
        if (!Covers(state, line / Arity)) return counters.ContainsAnyExcept(0UL) ? null : 0;
        NodeVerifications++;
        bool ok = Verify(state, 0, line / Arity, HashOf(0, counters));
        TrimCache();
        return ok ? counters[(int)(line % Arity)] : null;
    }

    /// <summary>Increments the counter of a line after checking the path; returns the new value, or null on a mismatch.</summary>
    public ulong? Increment(IntegrityRegion region, ulong line)
    {
        var state = State(region);
        ulong leaf = line / Arity;
        Span<ulong> content = stackalloc ulong[Arity];
        LeafCounters(state, leaf, content);
        if (!Covers(state, leaf))
        {
            if (content.ContainsAnyExcept(0UL)) return null;
            Grow(state, leaf);
        }
        NodeVerifications++;
        if (!Verify(state, 0, leaf, HashOf(0, content)) || !AuthenticatePath(state, leaf)) return null;
        ulong next = content[(int)(line % Arity)] + 1;
        if (next >= LineCrypto.CounterLimit) return null; // worn out: a MAC tweak must never repeat
        IntegrityMetadataStore.Page(state.Store, (uint)(line / IntegrityMetadataStore.LinesPerPage), create: true).Counters[line % IntegrityMetadataStore.LinesPerPage] = next;
        content[(int)(line % Arity)] = next;

        // Recompute the path to the root; every sibling group on it is trusted (AuthenticatePath).
        ulong hash = HashOf(0, content);
        ulong index = leaf;
        for (int level = 0; ; level++, index /= Arity)
        {
            NodeUpdates++;
            IntegrityMetadataStore.WriteNode(state.Store, level, index, hash);
            if (level == state.Top)
            {
                state.Root = hash;
                break;
            }
            ulong[] group = state.Trusted[level][index / Arity];
            group[index % Arity] = hash;
            hash = HashOf(level + 1, group);
        }
        TrimCache();
        return next;
    }

    /// <summary>
    /// Checks that node (<paramref name="level"/>, <paramref name="index"/>) has <paramref name="hash"/>:
    /// against the chip's trusted copy if it has one, else by hashing it with its stored siblings into
    /// its parent and checking that, up to the first trusted node or the root. Every group it
    /// authenticates on the way is cached as trusted.
    /// </summary>
    private bool Verify(RegionState state, int level, ulong index, ulong hash)
    {
        if (Trusted(state, level, index) is { } known) return known == hash;
        // Not trusted, so below the top level (the top node is always known: the root).
        ulong parent = index / Arity;
        var children = new ulong[Arity];
        StoredGroup(state, level, parent, children);
        children[index % Arity] = hash;
        NodeVerifications++;
        if (!Verify(state, level + 1, parent, HashOf(level + 1, children))) return false;
        state.Trusted[level][parent] = children;
        _trustedGroups++;
        return true;
    }

    /// <summary>
    /// Makes the sibling group of every node on the path from <paramref name="leaf"/> to the root
    /// trusted. Verify stops at the first node the chip already trusts, and the cache may have dropped
    /// the groups above it: those are read from the store and authenticated here.
    /// </summary>
    private bool AuthenticatePath(RegionState state, ulong leaf)
    {
        ulong index = leaf;
        for (int level = 0; level < state.Top; level++, index /= Arity)
        {
            ulong parent = index / Arity;
            // The path node's group at this level is trusted (Verify, or the previous step).
            ulong[] group = state.Trusted[level][parent];
            if (Trusted(state, level + 1, parent) is not null) continue; // consistent by construction
            NodeVerifications++;
            if (!Verify(state, level + 1, parent, HashOf(level + 1, group))) return false;
        }
        return true;
    }

    private static bool Covers(RegionState state, ulong leaf) => state.Top >= Levels - 1 || leaf >> (3 * state.Top) == 0;

    /// <summary>
    /// Raises the top until it covers <paramref name="leaf"/>: each time, the old top node becomes
    /// child 0 of a new top node whose other children are empty (nothing was written under them).
    /// </summary>
    private void Grow(RegionState state, ulong leaf)
    {
        while (!Covers(state, leaf))
        {
            var group = new ulong[Arity];
            group.AsSpan().Fill(_emptyHash[state.Top]);
            group[0] = state.Root;
            IntegrityMetadataStore.WriteNode(state.Store, state.Top, 0, state.Root);
            if (state.Trusted[state.Top].TryAdd(0, group)) _trustedGroups++;
            else state.Trusted[state.Top][0] = group;
            NodeUpdates++;
            state.Root = HashOf(state.Top + 1, group);
            state.Top++;
        }
    }

    private RegionState State(IntegrityRegion region)
    {
        if (_regions.TryGetValue(region, out var state)) return state;
        state = new RegionState(_store.Region(region, create: true)!) { Root = _emptyHash[0] };
        _regions[region] = state;
        return state;
    }

    private ulong? Trusted(RegionState state, int level, ulong index)
    {
        if (level == state.Top) return index == 0 ? state.Root : null;
        return state.Trusted[level].TryGetValue(index / Arity, out var group) ? group[index % Arity] : null;
    }

    private void StoredGroup(RegionState state, int level, ulong parent, Span<ulong> children)
    {
        if (!state.Store.Groups[level].TryGetValue(parent, out var group))
        {
            children.Fill(_emptyHash[level]);
            return;
        }
        for (int i = 0; i < Arity; i++) children[i] = (group.Present & (1 << i)) != 0 ? group.Hashes[i] : _emptyHash[level];
    }

    private static void LeafCounters(RegionState state, ulong leaf, Span<ulong> counters)
    {
        var page = IntegrityMetadataStore.Page(state.Store, (uint)(leaf * Arity / IntegrityMetadataStore.LinesPerPage), create: false);
        page.Counters.AsSpan((int)(leaf * Arity % IntegrityMetadataStore.LinesPerPage), Arity).CopyTo(counters);
    }

    /// <summary>Keeps the verified groups within capacity, dropping the lowest levels first (the upper ones serve every path).</summary>
    private void TrimCache()
    {
        if (_trustedGroups <= _groupCapacity) return;
        for (int level = 0; level < Levels - 1 && _trustedGroups > _groupCapacity / 2; level++)
            foreach (var state in _regions.Values)
            {
                _trustedGroups -= state.Trusted[level].Count;
                state.Trusted[level].Clear();
                if (_trustedGroups <= _groupCapacity / 2) break;
            }
    }

    private ulong HashOf(int level, ReadOnlySpan<ulong> content)
    {
        Span<byte> bytes = stackalloc byte[64];
        for (int i = 0; i < Arity; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes[(8 * i)..], content[i]);
        return _hash.Compute((UInt128)(uint)level << 64, bytes);
    }

    public void Dispose() => _hash.Dispose();
}
