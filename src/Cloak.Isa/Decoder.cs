namespace Cloak.Isa;

/// <summary>
/// Turns raw words into <see cref="DecodedInstruction"/>s by searching <see cref="OpcodeTable"/>.
/// Candidates are bucketed by major opcode (or RVC quadrant and funct3) and tried most specific
/// first, so refinements such as c.ebreak within c.add take precedence (see
/// <see cref="OpcodeTable.Refinements"/>). Decoding runs once per instruction slot (the executor
/// caches the result), so clarity wins over speed here.
/// </summary>
public static class Decoder
{
    private static readonly OpcodeInfo[][] Buckets = BuildBuckets();

    private static int BucketOf(uint bits) =>
        (bits & 3) == 3 ? (int)(bits & 0x7F) : 128 + (int)(((bits >> 13) & 7) << 2 | (bits & 3));

    private static OpcodeInfo[][] BuildBuckets()
    {
        var buckets = new List<OpcodeInfo>[160];
        for (int i = 0; i < buckets.Length; i++) buckets[i] = [];
        foreach (var row in OpcodeTable.All)
        {
            // A row lands in every bucket whose key bits its match fixes.
            for (int key = 0; key < buckets.Length; key++)
            {
                uint probe = key < 128 ? (uint)key : (uint)((((key - 128) >> 2) << 13) | ((key - 128) & 3));
                uint keyMask = key < 128 ? 0x7Fu : 0xE003u;
                if (row.IsCompressed != key >= 128) continue;
                if (((row.Match ^ probe) & row.Mask & keyMask) == 0) buckets[key].Add(row);
            }
        }
        return [.. buckets.Select(b => b.OrderByDescending(r => System.Numerics.BitOperations.PopCount(r.Mask)).ToArray())];
    }

    /// <summary>
    /// Decodes the instruction whose first parcel is in the low bits of <paramref name="bits"/>.
    /// For a 16-bit instruction the upper half is ignored.
    /// </summary>
    public static DecodedInstruction Decode(uint bits)
    {
        var insn = new Instruction(bits);
        if (insn.IsCompressed) bits &= 0xFFFF;
        // Lengths above 32 bits (bits 4:2 all ones) are not supported: illegal.
        if (!insn.IsCompressed && (bits & 0x1C) == 0x1C) return DecodedInstruction.Illegal(bits, 4);

        foreach (var row in Buckets[BucketOf(bits)])
        {
            if (!row.Matches(bits)) continue;
            // The most specific matching row decides; a violated constraint is a reserved encoding.
            return Operands(row, new Instruction(bits));
        }
        return DecodedInstruction.Illegal(bits, insn.Length);
    }

    private static DecodedInstruction Operands(OpcodeInfo row, Instruction i)
    {
        int rd = 0, rs1 = 0, rs2 = 0;
        long imm = 0;
        const int Sp = 2, Ra = 1;
        switch (row.Format)
        {
            case Format.None: break;
            case Format.R: rd = i.Rd; rs1 = i.Rs1; rs2 = i.Rs2; break;
            case Format.I or Format.Load or Format.Jalr: rd = i.Rd; rs1 = i.Rs1; imm = i.ImmI; break;
            case Format.Shift: rd = i.Rd; rs1 = i.Rs1; imm = i.Shamt6; break;
            case Format.ShiftW: rd = i.Rd; rs1 = i.Rs1; imm = i.Shamt5; break;
            case Format.Store: rs1 = i.Rs1; rs2 = i.Rs2; imm = i.ImmS; break;
            case Format.Branch: rs1 = i.Rs1; rs2 = i.Rs2; imm = i.ImmB; break;
            case Format.U: rd = i.Rd; imm = i.ImmU; break;
            case Format.Jal: rd = i.Rd; imm = i.ImmJ; break;
            case Format.Amo: rd = i.Rd; rs1 = i.Rs1; rs2 = i.Rs2; imm = (i.Aq ? 2 : 0) | (i.Rl ? 1 : 0); break;
            case Format.Lr: rd = i.Rd; rs1 = i.Rs1; imm = (i.Aq ? 2 : 0) | (i.Rl ? 1 : 0); break;
            case Format.Csr: rd = i.Rd; rs1 = i.Rs1; imm = i.CsrAddress; break;
            case Format.CsrImm: rd = i.Rd; rs1 = i.Rs1; imm = i.CsrAddress; break;
            case Format.Fence: imm = i.FenceBits; break;
            case Format.SfenceVma: rs1 = i.Rs1; rs2 = i.Rs2; break;
            case Format.TrpRs1: rs1 = i.Rs1; break;
            case Format.TrpRd: rd = i.Rd; break;
            case Format.TrpRdRs1: rd = i.Rd; rs1 = i.Rs1; break;

            case Format.CAddi4spn: rd = i.CRdPrime; rs1 = Sp; imm = i.CAddi4spnImm; break;
            case Format.CLoadW: rd = i.CRdPrime; rs1 = i.CRs1Prime; imm = i.CLwImm; break;
            case Format.CLoadD: rd = i.CRdPrime; rs1 = i.CRs1Prime; imm = i.CLdImm; break;
            case Format.CStoreW: rs2 = i.CRdPrime; rs1 = i.CRs1Prime; imm = i.CLwImm; break;
            case Format.CStoreD: rs2 = i.CRdPrime; rs1 = i.CRs1Prime; imm = i.CLdImm; break;
            case Format.CImm: rd = rs1 = i.CRd; imm = i.CImm6; break;
            case Format.CLi: rd = i.CRd; imm = i.CImm6; break;
            case Format.CLui: rd = i.CRd; imm = i.CLuiImm; break;
            case Format.CAddi16sp: rd = rs1 = Sp; imm = i.CAddi16spImm; break;
            case Format.CShift: rd = rs1 = i.CRd; imm = i.CShamt; break;
            case Format.CShiftPrime: rd = rs1 = i.CRs1Prime; imm = i.CShamt; break;
            case Format.CAndi: rd = rs1 = i.CRs1Prime; imm = i.CImm6; break;
            case Format.CArith: rd = rs1 = i.CRs1Prime; rs2 = i.CRdPrime; break;
            case Format.CJump: imm = i.CJImm; break;
            case Format.CBranch: rs1 = i.CRs1Prime; imm = i.CBImm; break;
            case Format.CLwsp: rd = i.CRd; rs1 = Sp; imm = i.CLwspImm; break;
            case Format.CLdsp: rd = i.CRd; rs1 = Sp; imm = i.CLdspImm; break;
            case Format.CSwsp: rs2 = i.CRs2; rs1 = Sp; imm = i.CSwspImm; break;
            case Format.CSdsp: rs2 = i.CRs2; rs1 = Sp; imm = i.CSdspImm; break;
            case Format.CJr: rs1 = i.CRd; break;
            case Format.CJalr: rd = Ra; rs1 = i.CRd; break;
            case Format.CMv: rd = i.CRd; rs2 = i.CRs2; break;
            case Format.CAdd: rd = rs1 = i.CRd; rs2 = i.CRs2; break;
            default: throw new InvalidOperationException($"format {row.Format} has no operand rule");
        }

        var c = row.Constraints;
        if ((c.HasFlag(Constraint.RdNonZero) && rd == 0) ||
            (c.HasFlag(Constraint.Rs1NonZero) && rs1 == 0) ||
            (c.HasFlag(Constraint.ImmNonZero) && imm == 0))
            return DecodedInstruction.Illegal(i.Bits, row.Length);

        return new DecodedInstruction(row, row.Semantic, (byte)rd, (byte)rs1, (byte)rs2, imm, i.Bits, (byte)row.Length);
    }
}
