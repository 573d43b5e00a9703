using System.Buffers.Binary;
using Cloak.Chip.Security.Crypto;

namespace Cloak.Chip.Security;

/// <summary>
/// Counter integrity for the authenticated memory mode: a Merkle tree of arity 8 per region over the
/// per-line write counters (a Bonsai-style counter tree). Level 0 nodes hash 8 counters, every level
/// above hashes 8 child hashes; 11 levels cover 2^32 lines. Nodes live off chip in the
/// <see cref="IntegrityMetadataStore"/>; the root of each region and a bounded cache of verified
/// nodes live on chip. Threat: an adversary who rolls a counter back (to replay an old line and its
/// old MAC) must change a node, which the on-chip root exposes.
/// Node hash = CBC-MAC under a chip key, tweaked by the level (position is fixed by the parent).
/// </summary>
internal sealed class IntegrityTree : IDisposable
{
    public const int Arity = 8;
    public const int Levels = 11;

    private readonly IntegrityMetadataStore _store;
    private readonly LineMac _hash;
    private readonly ulong[] _emptyHash = new ulong[Levels];
    private readonly Dictionary<IntegrityRegion, ulong> _roots = [];
    private readonly Dictionary<(IntegrityRegion, int, ulong), ulong> _verified = [];
    private readonly int _cacheCapacity;

    public IntegrityTree(IntegrityMetadataStore store, ReadOnlySpan<byte> chipKey, int cacheCapacity)
    {
        _store = store;
        _hash = new LineMac(chipKey);
        _cacheCapacity = cacheCapacity;
        Span<byte> children = stackalloc byte[64];
        children.Clear();
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
                for (int i = 0; i < Arity; i++) BinaryPrimitives.WriteUInt64LittleEndian(children[(8 * i)..], _emptyHash[level - 1]);
            _emptyHash[level] = _hash.Compute((UInt128)(uint)level << 64, children);
        }
    }

    public ulong NodeVerifications { get; private set; }
    public ulong NodeUpdates { get; private set; }

    /// <summary>The authentic counter of <paramref name="line"/>, or null if the stored counters do not match the root.</summary>
    public ulong? Counter(IntegrityRegion region, ulong line)
    {
        Span<byte> content = stackalloc byte[64];
        LeafContent(region, line / Arity, content);
        bool ok = Verify(region, 0, line / Arity, content);
        TrimCache();
        return ok ? BinaryPrimitives.ReadUInt64LittleEndian(content[(int)(line % Arity * 8)..]) : null;
    }

    /// <summary>Increments the counter of a line after checking the path; returns the new value, or null on a mismatch.</summary>
    public ulong? Increment(IntegrityRegion region, ulong line)
    {
        Span<byte> content = stackalloc byte[64];
        ulong leaf = line / Arity;
        LeafContent(region, leaf, content);
        if (!Verify(region, 0, leaf, content) || !AuthenticateSiblings(region, leaf)) return null;
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(content[(int)(line % Arity * 8)..]) + 1;
        if (next >= LineCrypto.CounterLimit) return null; // worn out: a MAC tweak must never repeat
        _store.Page(region, (uint)(line / IntegrityMetadataStore.LinesPerPage), create: true).Counters[line % IntegrityMetadataStore.LinesPerPage] = next;
        BinaryPrimitives.WriteUInt64LittleEndian(content[(int)(line % Arity * 8)..], next);

        // Recompute the path up to the root; siblings come from the verified cache (filled by Verify).
        ulong hash = Hash(0, content);
        ulong index = leaf;
        for (int level = 0; level < Levels; level++)
        {
            _store.SetNode(region, level, index, hash);
            Remember(region, level, index, hash);
            NodeUpdates++;
            if (level == Levels - 1) break;
            ulong parent = index / Arity;
            for (ulong i = 0; i < Arity; i++)
            {
                ulong child = parent * Arity + i;
                ulong h = child == index ? hash : Trusted(region, level, child) ?? throw new InvalidOperationException("sibling not verified");
                BinaryPrimitives.WriteUInt64LittleEndian(content[(int)(8 * i)..], h);
            }
            hash = Hash(level + 1, content);
            index = parent;
        }
        _roots[region] = hash;
        TrimCache();
        return next;
    }

    /// <summary>
    /// Makes every sibling on the path from a leaf to the root trusted, so the path can be
    /// recomputed after an update. Verify stops climbing at the first node the cache already
    /// trusts, and the cache may since have dropped that node's siblings or the nodes above it:
    /// those are re-read from the store and authenticated against their parents here.
    /// </summary>
    private bool AuthenticateSiblings(IntegrityRegion region, ulong leaf)
    {
        Span<byte> parentContent = stackalloc byte[64];
        ulong index = leaf;
        for (int level = 0; level < Levels - 1; level++, index /= Arity)
        {
            ulong parent = index / Arity;
            bool complete = true;
            for (ulong i = 0; i < Arity; i++)
            {
                ulong child = parent * Arity + i;
                ulong? trusted = Trusted(region, level, child);
                complete &= trusted is not null;
                BinaryPrimitives.WriteUInt64LittleEndian(parentContent[(int)(8 * i)..], trusted ?? Stored(region, level, child));
            }
            if (complete && Trusted(region, level + 1, parent) is not null) continue;
            if (!Verify(region, level + 1, parent, parentContent)) return false;
            for (ulong i = 0; i < Arity; i++)
                Remember(region, level, parent * Arity + i, BinaryPrimitives.ReadUInt64LittleEndian(parentContent[(int)(8 * i)..]));
            if (Trusted(region, level + 1, parent) is null) Remember(region, level + 1, parent, Hash(level + 1, parentContent));
        }
        return true;
    }

    /// <summary>
    /// Checks a node's content against its parent, climbing until a verified node or the root, and
    /// caches every node it authenticated (the node and, through the parent, all its siblings).
    /// </summary>
    private bool Verify(IntegrityRegion region, int level, ulong index, ReadOnlySpan<byte> content)
    {
        ulong hash = Hash(level, content);
        NodeVerifications++;
        if (Trusted(region, level, index) is { } known) return known == hash;
        if (level == Levels - 1)
        {
            ulong root = _roots.TryGetValue(region, out ulong r) ? r : _emptyHash[Levels - 1];
            if (root != hash) return false;
            Remember(region, level, index, hash);
            return true;
        }
        ulong parent = index / Arity;
        Span<byte> parentContent = stackalloc byte[64];
        for (ulong i = 0; i < Arity; i++)
        {
            ulong child = parent * Arity + i;
            ulong h = child == index ? hash : Stored(region, level, child);
            BinaryPrimitives.WriteUInt64LittleEndian(parentContent[(int)(8 * i)..], h);
        }
        if (!Verify(region, level + 1, parent, parentContent)) return false;
        for (ulong i = 0; i < Arity; i++)
            Remember(region, level, parent * Arity + i, BinaryPrimitives.ReadUInt64LittleEndian(parentContent[(int)(8 * i)..]));
        return true;
    }

    private void LeafContent(IntegrityRegion region, ulong leaf, Span<byte> content)
    {
        var page = _store.Page(region, (uint)(leaf * Arity / IntegrityMetadataStore.LinesPerPage), create: false);
        int first = (int)(leaf * Arity % IntegrityMetadataStore.LinesPerPage);
        for (int i = 0; i < Arity; i++) BinaryPrimitives.WriteUInt64LittleEndian(content[(8 * i)..], page.Counters[first + i]);
    }

    private ulong Stored(IntegrityRegion region, int level, ulong index) =>
        _store.TryNode(region, level, index, out ulong h) ? h : _emptyHash[level];

    private ulong? Trusted(IntegrityRegion region, int level, ulong index) =>
        _verified.TryGetValue((region, level, index), out ulong h) ? h : null;

    private void Remember(IntegrityRegion region, int level, ulong index, ulong hash) => _verified[(region, level, index)] = hash;

    private void TrimCache()
    {
        if (_verified.Count <= _cacheCapacity) return;
        // Drop the oldest half (insertion order); the roots always stay.
        foreach (var key in _verified.Keys.Take(_verified.Count - _cacheCapacity / 2).ToList()) _verified.Remove(key);
    }

    private ulong Hash(int level, ReadOnlySpan<byte> content) => _hash.Compute((UInt128)(uint)level << 64, content);

    public void Dispose() => _hash.Dispose();
}
