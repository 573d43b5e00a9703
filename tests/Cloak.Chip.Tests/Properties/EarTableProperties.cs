using Cloak.Chip.Security;
using Cloak.Isa;
using CsCheck;

namespace Cloak.Chip.Tests.Properties;

/// <summary>
/// The EAR table (src/Cloak.Chip/Security/EarTable.cs) against a list-based model written here from
/// SPEC 2.3 and docs/isa.md: entries are page-granular, non-empty ranges that do not wrap; a range
/// overlapping a valid entry is refused (BadRegion); a full table refuses with EarFull; an entry
/// goes to the lowest free register; lookup finds the one entry containing an address.
/// Random sequences of adds, clears and lookups over a small address space (so overlaps are common).
/// </summary>
public sealed class EarTableProperties
{
    private abstract record EarOp;
    private sealed record Add(ulong Start, ulong Length, uint RegionId) : EarOp;
    private sealed record ClearNth(int N) : EarOp;
    private sealed record Lookup(ulong Address) : EarOp;
    private sealed record StartingAt(ulong Start) : EarOp;

    private const ulong Page = 4096;

    /// <summary>Addresses in 32 pages, mostly page aligned; sometimes near the top of the address space (wrap-around).</summary>
    private static readonly Gen<ulong> Address = Gen.Frequency(
        (8, Gen.ULong[0, 32].Select(p => p * Page)),
        (1, Gen.ULong[0, 32 * Page]),
        (1, Gen.ULong[1, 4].Select(p => 0UL - p * Page)));

    private static readonly Gen<ulong> Length = Gen.Frequency(
        (8, Gen.ULong[1, 6].Select(p => p * Page)),
        (1, Gen.Const(0UL)),
        (1, Gen.ULong[1, 3 * Page]),
        (1, Gen.ULong[1, 8].Select(p => p * Page + 0xFFFF_FFFF_0000_0000)));

    private static readonly Gen<EarOp> Operation = Gen.Frequency(
        (4, Gen.Select(Address, Length, Gen.UInt).Select(t => (EarOp)new Add(t.Item1, t.Item2, t.Item3))),
        (2, Gen.Int[0, 16].Select(n => (EarOp)new ClearNth(n))),
        (4, Address.Select(a => (EarOp)new Lookup(a + 17))),
        (1, Address.Select(a => (EarOp)new StartingAt(a))));

    [Fact]
    public void Adds_clears_and_lookups_agree_with_a_list_of_ranges()
    {
        Gen.Select(Gen.Int[1, 8], Operation.Array[1, 60]).Sample((capacity, operations) =>
        {
            var table = new EarTable(capacity);
            var model = new (ulong Start, ulong Length, uint RegionId)?[capacity];
            foreach (var op in operations)
            {
                switch (op)
                {
                    case Add add:
                    {
                        var expected = ModelAdd(model, add, out int expectedIndex);
                        var status = table.TryAdd(new EarEntry { Start = add.Start, Length = add.Length, RegionId = add.RegionId }, out int index);
                        Assert.Equal(expected, status);
                        Assert.Equal(expectedIndex, index);
                        break;
                    }
                    case ClearNth clear:
                    {
                        // Clear the n-th valid entry (as trp.earclear does, by its register).
                        var valid = Enumerable.Range(0, capacity).Where(i => model[i] is not null).ToList();
                        if (valid.Count == 0) break;
                        int index = valid[clear.N % valid.Count];
                        table.Clear(index);
                        model[index] = null;
                        break;
                    }
                    case Lookup lookup:
                    {
                        int expected = Array.FindIndex(model, e => e is { } m && lookup.Address >= m.Start && lookup.Address - m.Start < m.Length);
                        Assert.Equal(expected, table.Lookup(lookup.Address));
                        break;
                    }
                    case StartingAt at:
                    {
                        int expected = Array.FindIndex(model, e => e is { } m && m.Start == at.Start);
                        Assert.Equal(expected, table.IndexStartingAt(at.Start));
                        break;
                    }
                }
                Assert.Equal(model.Count(e => e is not null), table.Count);
                for (int i = 0; i < capacity; i++)
                {
                    Assert.Equal(model[i] is not null, table[i].Valid);
                    if (model[i] is { } m) Assert.Equal((m.Start, m.Length, m.RegionId), (table[i].Start, table[i].Length, table[i].RegionId));
                }
            }
        }, iter: 1500, threads: 1, print: t => $"capacity {t.Item1}: {string.Join(", ", t.Item2.Select(o => o.ToString()))}");
    }

    [Fact]
    public void No_two_valid_entries_ever_overlap()
    {
        Gen.Select(Gen.Int[1, 8], Operation.Array[1, 60]).Sample((capacity, operations) =>
        {
            var table = new EarTable(capacity);
            foreach (var op in operations)
            {
                if (op is Add add) table.TryAdd(new EarEntry { Start = add.Start, Length = add.Length }, out _);
                if (op is ClearNth clear && table.Count > 0)
                {
                    int[] valid = [.. Enumerable.Range(0, capacity).Where(i => table[i].Valid)];
                    table.Clear(valid[clear.N % valid.Length]);
                }
                var entries = table.Entries.ToArray().Where(e => e.Valid).ToList();
                foreach (var a in entries)
                    foreach (var b in entries)
                        if (a.Start != b.Start)
                            Assert.False(a.Start < b.Start + b.Length && b.Start < a.Start + a.Length, $"[{a.Start:x}, +{a.Length:x}) overlaps [{b.Start:x}, +{b.Length:x})");
            }
        }, iter: 2000, threads: 1);
    }

    /// <summary>The model's add: what the table must answer, and which register the entry must take.</summary>
    private static TrpStatus ModelAdd((ulong Start, ulong Length, uint RegionId)?[] model, Add add, out int index)
    {
        index = -1;
        bool aligned = add.Start % Page == 0 && add.Length % Page == 0;
        bool wraps = add.Start + add.Length < add.Start;
        if (add.Length == 0 || !aligned || wraps) return TrpStatus.BadRegion;
        // Ranges as [start, end) in 128-bit arithmetic, so the model itself cannot wrap.
        UInt128 start = add.Start, end = (UInt128)add.Start + add.Length;
        foreach (var e in model)
            if (e is { } m && start < (UInt128)m.Start + m.Length && m.Start < end) return TrpStatus.BadRegion;
        index = Array.FindIndex(model, e => e is null);
        if (index < 0) return TrpStatus.EarFull;
        model[index] = (add.Start, add.Length, add.RegionId);
        return TrpStatus.Ok;
    }
}
