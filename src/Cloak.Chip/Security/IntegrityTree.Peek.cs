using Cloak.Platform;

namespace Cloak.Chip.Security;

internal sealed partial class IntegrityTree
{
    /// <summary>
    /// Whether the stored counter of <paramref name="line"/> agrees with the on-chip root, checked the
    /// way <see cref="Counter"/> checks it (against a trusted node where the chip has one, else up the
    /// stored nodes to the root) but without trusting, caching or counting anything: the inspector's
    /// question, which must leave the chip's state as the run left it.
    /// </summary>
    public bool CounterMatchesRoot(IntegrityRegion region, ulong line)
    {
        var state = _regions.TryGetValue(region, out var known)
            ? known
            : new RegionState(_store.Region(region, create: false) ?? new IntegrityMetadataStore.RegionRecord()) { Root = _emptyHash[0] };
        ulong leaf = line / Arity;
        Span<ulong> counters = stackalloc ulong[Arity];
        LeafCounters(state, leaf, counters);
        if (!Covers(state, leaf)) return !counters.ContainsAnyExcept(0UL);
        ulong hash = HashOf(0, counters);
        ulong index = leaf;
        Span<ulong> children = stackalloc ulong[Arity];
        for (int level = 0; ; level++)
        {
            if (Trusted(state, level, index) is { } trusted) return trusted == hash;
            if (level >= state.Top) return false;
            ulong parent = index / Arity;
            StoredGroup(state, level, parent, children);
            children[(int)(index % Arity)] = hash;
            hash = HashOf(level + 1, children);
            index = parent;
        }
    }
}
