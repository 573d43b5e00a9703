using System.Security.Cryptography;
using Cloak.Chip.Security;
using Cloak.Platform;
using CsCheck;

namespace Cloak.Chip.Tests.Properties;

/// <summary>
/// The counter tree of the authenticated memory mode (src/Cloak.Chip/Security/IntegrityTree.cs)
/// against a model written here: the true write counter of every line, and a hash root over them
/// (SHA-256 of the non-zero counters in order), which says whether what is stored off chip is
/// authentic. Random increments and reads over two regions, lines near and far (so the tree grows),
/// and caches of verified nodes from tiny to ample; between them the adversary tampers with a stored
/// counter or tree node, the chip reads, and the adversary puts the value back. Properties: a read
/// or increment never gives a value other than the model's (tampering is never silently accepted);
/// a read of a line whose stored counters were changed is always refused; and while the stored state
/// hashes to the model's root, nothing is ever refused (no false alarm).
/// </summary>
public sealed class IntegrityTreeProperties
{
    private static readonly IntegrityRegion[] Regions = [new(0x1111, 7, 0), new(0x2222, 9, 3)];

    private abstract record TreeOp(int Region, ulong Line);
    private sealed record Increment(int Region, ulong Line) : TreeOp(Region, Line);
    private sealed record Read(int Region, ulong Line) : TreeOp(Region, Line);
    /// <summary>Adds <paramref name="Delta"/> to the stored counter of a line, reads it and a neighbour, puts it back.</summary>
    private sealed record TamperCounter(int Region, ulong Line, ulong Delta, ulong Neighbour) : TreeOp(Region, Line);
    /// <summary>Replaces a stored tree node (picked among those written) with <paramref name="Hash"/>, reads lines, puts it back.</summary>
    private sealed record TamperNode(int Region, ulong Line, int Pick, ulong Hash) : TreeOp(Region, Line);

    private static readonly Gen<ulong> LineGen = Gen.Frequency(
        (6, Gen.ULong[0, 64]),
        (3, Gen.ULong[0, 2000]),
        (1, Gen.ULong[0, 1UL << 22]));

    private static readonly Gen<TreeOp> Operation = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 1], LineGen, (r, l) => (TreeOp)new Increment(r, l))),
        (3, Gen.Select(Gen.Int[0, 1], LineGen, (r, l) => (TreeOp)new Read(r, l))),
        (1, Gen.Select(Gen.Int[0, 1], LineGen, Gen.ULong[1, ulong.MaxValue], Gen.ULong[0, 7], (r, l, d, n) => (TreeOp)new TamperCounter(r, l, d, n))),
        (1, Gen.Select(Gen.Int[0, 1], LineGen, Gen.Int[0, 1000], Gen.ULong, (r, l, p, h) => (TreeOp)new TamperNode(r, l, p, h))));

    [Fact]
    public void Reads_and_increments_agree_with_the_model_and_every_tamper_is_caught_or_harmless()
    {
        Gen.Select(Gen.OneOf(Gen.Const(0), Gen.Const(24), Gen.Const(200), Gen.Const(4096)), Operation.Array[1, 80]).Sample((cache, operations) =>
        {
            var store = new IntegrityMetadataStore();
            using var tree = new IntegrityTree(store, [.. Enumerable.Range(1, 32).Select(i => (byte)i)], cache);
            var model = new Model();
            foreach (var op in operations)
            {
                var region = Regions[op.Region];
                model.Touch(op.Region, op.Line);
                switch (op)
                {
                    case Increment:
                        Assert.Equal(model.Increment(op.Region, op.Line), tree.Increment(region, op.Line));
                        break;
                    case Read:
                        Assert.Equal(model.Counter(op.Region, op.Line), tree.Counter(region, op.Line));
                        break;
                    case TamperCounter t:
                    {
                        ulong truth = model.Counter(op.Region, op.Line);
                        store.WriteCounter(region, op.Line, truth + t.Delta);
                        Assert.False(model.StoredStateIsAuthentic(store, Regions), "the model missed the tamper");
                        // The tampered line, and any line sharing its leaf node, must be refused.
                        Assert.Null(tree.Counter(region, op.Line));
                        Assert.Null(tree.Counter(region, op.Line / 8 * 8 + t.Neighbour));
                        store.WriteCounter(region, op.Line, truth);
                        break;
                    }
                    case TamperNode t:
                    {
                        var nodes = store.Nodes(region);
                        if (nodes.Count == 0) break;
                        var ((level, index), original) = nodes.ElementAt(t.Pick % nodes.Count);
                        if (t.Hash == original) break;
                        store.WriteNode(region, level, index, t.Hash);
                        // Whatever the chip still trusts may serve a read; a value it gives must be the true one.
                        for (ulong line = op.Line; line < op.Line + 16; line++)
                            if (tree.Counter(region, line) is { } value) Assert.Equal(model.Counter(op.Region, line), value);
                        store.WriteNode(region, level, index, original);
                        break;
                    }
                }
                // No false alarm: the stored state is authentic again, so every line the model knows reads back.
                Assert.True(model.StoredStateIsAuthentic(store, Regions));
                foreach (var (r, line, value) in model.Written().Take(12))
                    Assert.Equal(value, tree.Counter(Regions[r], line));
            }
        }, iter: 250, threads: 1);
    }

    /// <summary>The true counters, and the hash root that says whether a stored state is authentic.</summary>
    private sealed class Model
    {
        private readonly SortedDictionary<(int Region, ulong Line), ulong> _counters = [];

        public ulong Counter(int region, ulong line) => _counters.GetValueOrDefault((region, line));

        public ulong Increment(int region, ulong line) => _counters[(region, line)] = Counter(region, line) + 1;

        public IEnumerable<(int Region, ulong Line, ulong Value)> Written() => _counters.Select(c => (c.Key.Region, c.Key.Line, c.Value));

        public byte[] Root() => Hash(_counters.Select(c => (c.Key.Region, c.Key.Line, c.Value)));

        /// <summary>Lines anyone has touched: only their stored counters can be other than 0.</summary>
        private readonly HashSet<(int Region, ulong Line)> _touched = [];

        public void Touch(int region, ulong line) => _touched.Add((region, line));

        /// <summary>True if the counters stored off chip (of every line touched, written by the model or not) hash to the model's root.</summary>
        public bool StoredStateIsAuthentic(IntegrityMetadataStore store, IntegrityRegion[] regions)
        {
            var stored = new SortedDictionary<(int, ulong), ulong>();
            foreach (var (region, line) in _touched)
                if (store.ReadCounter(regions[region], line) is not 0 and var v) stored[(region, line)] = v;
            return Hash(stored.Select(s => (s.Key.Item1, s.Key.Item2, s.Value))).AsSpan().SequenceEqual(Root());
        }

        private static byte[] Hash(IEnumerable<(int Region, ulong Line, ulong Value)> counters)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var (region, line, value) in counters)
                sha.AppendData([.. BitConverter.GetBytes(region), .. BitConverter.GetBytes(line), .. BitConverter.GetBytes(value)]);
            return sha.GetHashAndReset();
        }
    }
}
