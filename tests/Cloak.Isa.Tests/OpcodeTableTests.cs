using System.Numerics;

namespace Cloak.Isa.Tests;

public class OpcodeTableTests
{
    private static bool Overlap(OpcodeInfo a, OpcodeInfo b) =>
        a.IsCompressed == b.IsCompressed && ((a.Match ^ b.Match) & a.Mask & b.Mask) == 0;

    [Fact]
    public void No_two_rows_overlap_except_the_declared_refinements()
    {
        var allowed = OpcodeTable.Refinements.Select(r => (r.Specific, r.General)).ToHashSet();
        var rows = OpcodeTable.All;
        var unexpected = new List<string>();
        for (int i = 0; i < rows.Count; i++)
            for (int j = i + 1; j < rows.Count; j++)
            {
                if (!Overlap(rows[i], rows[j])) continue;
                if (allowed.Contains((rows[i].Op, rows[j].Op)) || allowed.Contains((rows[j].Op, rows[i].Op))) continue;
                unexpected.Add($"{rows[i].Mnemonic} / {rows[j].Mnemonic}");
            }
        Assert.Empty(unexpected);
    }

    [Fact]
    public void Every_declared_refinement_is_a_strictly_more_specific_encoding_of_its_general_row()
    {
        foreach (var (specific, general) in OpcodeTable.Refinements)
        {
            var s = OpcodeTable.ByOp(specific);
            var g = OpcodeTable.ByOp(general);
            Assert.True(Overlap(s, g), $"{s} does not overlap {g}");
            Assert.Equal(0u, g.Mask & ~s.Mask);
            Assert.True(BitOperations.PopCount(s.Mask) > BitOperations.PopCount(g.Mask), $"{s} is not more specific than {g}");
        }
    }

    [Fact]
    public void Mnemonics_and_ops_are_unique()
    {
        Assert.Equal(OpcodeTable.All.Count, OpcodeTable.All.Select(r => r.Mnemonic).Distinct().Count());
        Assert.Equal(OpcodeTable.All.Count, OpcodeTable.All.Select(r => r.Op).Distinct().Count());
    }

    [Fact]
    public void Every_op_except_illegal_has_exactly_one_row()
    {
        var missing = Enum.GetValues<Op>().Where(op => op != Op.Illegal && OpcodeTable.All.All(r => r.Op != op));
        Assert.Empty(missing);
    }

    [Fact]
    public void Match_bits_lie_inside_the_mask_and_encode_the_right_length()
    {
        foreach (var row in OpcodeTable.All)
        {
            Assert.Equal(row.Match, row.Match & row.Mask);
            Assert.Equal(row.IsCompressed, (row.Match & 3) != 3);
            Assert.True((row.Mask & 3) == 3, $"{row} must fix the length bits");
        }
    }

    [Fact]
    public void Compressed_rows_expand_to_base_instructions_and_base_rows_to_themselves()
    {
        foreach (var row in OpcodeTable.All)
        {
            var semantic = OpcodeTable.ByOp(row.Semantic);
            Assert.False(semantic.IsCompressed, $"{row} expands to compressed {semantic}");
            if (!row.IsCompressed) Assert.Equal(row.Op, row.Semantic);
        }
    }
}
