using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Security;

public sealed class IntegrityTreeTests
{
    private static readonly byte[] ChipKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly IntegrityRegion RegionA = new(0x1111, 7, 0);
    private static readonly IntegrityRegion RegionB = new(0x2222, 9, 3);

    [Fact]
    public void Lines_never_written_have_counter_zero()
    {
        using var tree = new IntegrityTree(new IntegrityMetadataStore(), ChipKey, cacheCapacity: 1024);

        Assert.Equal(0UL, tree.Counter(RegionA, 0));
        Assert.Equal(0UL, tree.Counter(RegionA, 123_456));
    }

    [Fact]
    public void Counters_count_the_writes_of_each_line_even_when_the_verified_node_cache_is_tiny()
    {
        // Regression: with a small cache, the update path once found a sibling the cache had dropped
        // and threw "sibling not verified" (32 M4 clients in authenticated mode).
        var store = new IntegrityMetadataStore();
        using var tree = new IntegrityTree(store, ChipKey, cacheCapacity: 24);
        var expected = new Dictionary<(IntegrityRegion, ulong), ulong>();
        var random = new Random(5);
        for (int write = 0; write < 5000; write++)
        {
            var region = random.Next(2) == 0 ? RegionA : RegionB;
            ulong line = (ulong)random.Next(4096) * (ulong)(random.Next(3) == 0 ? 4099 : 1);
            ulong? next = tree.Increment(region, line);
            expected[(region, line)] = expected.GetValueOrDefault((region, line)) + 1;
            Assert.Equal(expected[(region, line)], next);
        }

        foreach (var ((region, line), count) in expected)
            Assert.Equal(count, tree.Counter(region, line));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    public void A_counter_rolled_back_in_the_off_chip_store_is_rejected(int cacheCapacity)
    {
        var store = new IntegrityMetadataStore();
        using var tree = new IntegrityTree(store, ChipKey, cacheCapacity);
        tree.Increment(RegionA, 42);
        tree.Increment(RegionA, 42);
        for (ulong other = 1000; other < 1100; other++) tree.Increment(RegionB, other); // push RegionA out of a small cache

        store.WriteCounter(RegionA, 42, 1);

        Assert.Null(tree.Counter(RegionA, 42));
        Assert.Null(tree.Increment(RegionA, 42));
    }

    [Fact]
    public void A_tree_node_replaced_off_chip_is_rejected_once_it_is_no_longer_cached()
    {
        var store = new IntegrityMetadataStore();
        using var tree = new IntegrityTree(store, ChipKey, cacheCapacity: 16);
        tree.Increment(RegionA, 8); // leaf 1
        var old = store.Nodes(RegionA);
        tree.Increment(RegionA, 8);
        for (ulong other = 0; other < 200; other++) tree.Increment(RegionB, other * 64);

        // Roll the counter and every node of region A back to the state after the first write.
        store.WriteCounter(RegionA, 8, 1);
        foreach (var ((level, index), hash) in old) store.WriteNode(RegionA, level, index, hash);

        Assert.Null(tree.Counter(RegionA, 8));
    }

    [Fact]
    public void Regions_with_the_same_id_but_another_key_or_instance_have_their_own_counters()
    {
        using var tree = new IntegrityTree(new IntegrityMetadataStore(), ChipKey, cacheCapacity: 1024);
        var sameIdOtherInstance = RegionA with { Instance = 1 };
        var sameIdOtherKey = RegionA with { KeyTag = 0x3333 };

        tree.Increment(RegionA, 5);
        tree.Increment(RegionA, 5);

        Assert.Equal(2UL, tree.Counter(RegionA, 5));
        Assert.Equal(0UL, tree.Counter(sameIdOtherInstance, 5));
        Assert.Equal(0UL, tree.Counter(sameIdOtherKey, 5));
    }

    [Fact]
    public void A_counter_forged_for_a_line_beyond_everything_written_so_far_is_rejected()
    {
        // The tree only covers the lines written so far; beyond them every counter must still be 0.
        var store = new IntegrityMetadataStore();
        using var tree = new IntegrityTree(store, ChipKey, cacheCapacity: 1024);
        tree.Increment(RegionA, 3);

        store.WriteCounter(RegionA, 1_000_000, 7);

        Assert.Null(tree.Counter(RegionA, 1_000_000));
        Assert.Null(tree.Increment(RegionA, 1_000_000));
        Assert.Equal(1UL, tree.Counter(RegionA, 3));
    }

    [Fact]
    public void Counters_written_before_the_tree_grows_keep_their_values_after_it_grows()
    {
        using var tree = new IntegrityTree(new IntegrityMetadataStore(), ChipKey, cacheCapacity: 64);
        tree.Increment(RegionA, 0);
        tree.Increment(RegionA, 9);
        tree.Increment(RegionA, 9);

        tree.Increment(RegionA, (1UL << 31) + 5); // the far end: the tree grows to its full height

        Assert.Equal(1UL, tree.Counter(RegionA, 0));
        Assert.Equal(2UL, tree.Counter(RegionA, 9));
        Assert.Equal(1UL, tree.Counter(RegionA, (1UL << 31) + 5));
        Assert.Equal(0UL, tree.Counter(RegionA, 12345));
    }
}
