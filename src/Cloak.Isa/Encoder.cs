namespace Cloak.Isa;

/// <summary>
/// The inverse of <see cref="Decoder"/>: builds instruction bits from a table row and operands.
/// Tests use it to write programs without hex, and the round-trip test checks it against the
/// decoder for every row. Operands follow <see cref="DecodedInstruction"/>'s conventions.
/// </summary>
public static class Encoder
{
    public static uint Encode(Op op, int rd = 0, int rs1 = 0, int rs2 = 0, long imm = 0) =>
        Encode(OpcodeTable.ByOp(op), rd, rs1, rs2, imm);

    public static uint Encode(OpcodeInfo row, int rd = 0, int rs1 = 0, int rs2 = 0, long imm = 0)
    {
        uint bits = Fields(row, rd, rs1, rs2, imm);
        var decoded = Decoder.Decode(bits);
        if (decoded.Info != row)
            throw new ArgumentException($"{row.Mnemonic} cannot encode these operands (rd={rd}, rs1={rs1}, rs2={rs2}, imm={imm}): they decode as {decoded.Info?.Mnemonic ?? "an illegal instruction"}");
        return bits;
    }

    private static uint Fields(OpcodeInfo row, int rd, int rs1, int rs2, long imm)
    {
        uint m = row.Match;
        switch (row.Format)
        {
            case Format.None: return m;
            case Format.R: return m | Rd(rd) | Rs1(rs1) | Rs2(rs2);
            case Format.I or Format.Load or Format.Jalr: return m | Rd(rd) | Rs1(rs1) | ImmI(imm);
            case Format.Shift: return m | Rd(rd) | Rs1(rs1) | (Unsigned(imm, 6) << 20);
            case Format.ShiftW: return m | Rd(rd) | Rs1(rs1) | (Unsigned(imm, 5) << 20);
            case Format.Store:
            {
                uint v = Signed(imm, 12);
                return m | Rs1(rs1) | Rs2(rs2) | ((v & 0x1F) << 7) | ((v >> 5) << 25);
            }
            case Format.Branch:
            {
                uint v = Signed(Even(imm), 13);
                return m | Rs1(rs1) | Rs2(rs2) | ((v >> 12 & 1) << 31) | ((v >> 5 & 0x3F) << 25) | ((v >> 1 & 0xF) << 8) | ((v >> 11 & 1) << 7);
            }
            case Format.U:
                if ((imm & 0xFFF) != 0 || imm != (int)imm) throw Range(imm, "a multiple of 4096 that fits in 32 bits");
                return m | Rd(rd) | ((uint)imm & 0xFFFF_F000);
            case Format.Jal:
            {
                uint v = Signed(Even(imm), 21);
                return m | Rd(rd) | ((v >> 20 & 1) << 31) | ((v >> 1 & 0x3FF) << 21) | ((v >> 11 & 1) << 20) | (v & 0xF_F000);
            }
            case Format.Amo: return m | Rd(rd) | Rs1(rs1) | Rs2(rs2) | (Unsigned(imm, 2) << 25);
            case Format.Lr: return m | Rd(rd) | Rs1(rs1) | (Unsigned(imm, 2) << 25);
            case Format.Csr: return m | Rd(rd) | Rs1(rs1) | (Unsigned(imm, 12) << 20);
            case Format.CsrImm: return m | Rd(rd) | Rs1(rs1) | (Unsigned(imm, 12) << 20);
            case Format.Fence: return m | (Unsigned(imm, 12) << 20);
            case Format.SfenceVma: return m | Rs1(rs1) | Rs2(rs2);
            case Format.TrpRs1: return m | Rs1(rs1);
            case Format.TrpRd: return m | Rd(rd);
            case Format.TrpRdRs1: return m | Rd(rd) | Rs1(rs1);

            case Format.CAddi4spn:
            {
                uint v = Scaled(imm, 10, 4);
                return m | Prime(rd) << 2 | Bits(v, 5, 4) << 11 | Bits(v, 9, 6) << 7 | Bits(v, 2, 2) << 6 | Bits(v, 3, 3) << 5;
            }
            case Format.CLoadW or Format.CStoreW:
            {
                uint v = Scaled(imm, 7, 4);
                int r = row.Format == Format.CLoadW ? rd : rs2;
                return m | Prime(r) << 2 | Prime(rs1) << 7 | Bits(v, 5, 3) << 10 | Bits(v, 2, 2) << 6 | Bits(v, 6, 6) << 5;
            }
            case Format.CLoadD or Format.CStoreD:
            {
                uint v = Scaled(imm, 8, 8);
                int r = row.Format == Format.CLoadD ? rd : rs2;
                return m | Prime(r) << 2 | Prime(rs1) << 7 | Bits(v, 5, 3) << 10 | Bits(v, 7, 6) << 5;
            }
            case Format.CImm or Format.CLi:
                return m | Reg5(rd) << 7 | CI6(Signed(imm, 6));
            case Format.CLui:
                if ((imm & 0xFFF) != 0) throw Range(imm, "a multiple of 4096");
                return m | Reg5(rd) << 7 | CI6(Signed(imm >> 12, 6));
            case Format.CAddi16sp:
            {
                uint v = Signed(imm, 10);
                if ((imm & 15) != 0) throw Range(imm, "a multiple of 16");
                return m | Bits(v, 9, 9) << 12 | Bits(v, 4, 4) << 6 | Bits(v, 6, 6) << 5 | Bits(v, 8, 7) << 3 | Bits(v, 5, 5) << 2;
            }
            case Format.CShift: return m | Reg5(rd) << 7 | CI6(Unsigned(imm, 6));
            case Format.CShiftPrime: return m | Prime(rd) << 7 | CI6(Unsigned(imm, 6));
            case Format.CAndi: return m | Prime(rd) << 7 | CI6(Signed(imm, 6));
            case Format.CArith: return m | Prime(rd) << 7 | Prime(rs2) << 2;
            case Format.CJump:
            {
                uint v = Signed(Even(imm), 12);
                return m | Bits(v, 11, 11) << 12 | Bits(v, 4, 4) << 11 | Bits(v, 9, 8) << 9 | Bits(v, 10, 10) << 8 |
                       Bits(v, 6, 6) << 7 | Bits(v, 7, 7) << 6 | Bits(v, 3, 1) << 3 | Bits(v, 5, 5) << 2;
            }
            case Format.CBranch:
            {
                uint v = Signed(Even(imm), 9);
                return m | Prime(rs1) << 7 | Bits(v, 8, 8) << 12 | Bits(v, 4, 3) << 10 | Bits(v, 7, 6) << 5 | Bits(v, 2, 1) << 3 | Bits(v, 5, 5) << 2;
            }
            case Format.CLwsp:
            {
                uint v = Scaled(imm, 8, 4);
                return m | Reg5(rd) << 7 | Bits(v, 5, 5) << 12 | Bits(v, 4, 2) << 4 | Bits(v, 7, 6) << 2;
            }
            case Format.CLdsp:
            {
                uint v = Scaled(imm, 9, 8);
                return m | Reg5(rd) << 7 | Bits(v, 5, 5) << 12 | Bits(v, 4, 3) << 5 | Bits(v, 8, 6) << 2;
            }
            case Format.CSwsp:
            {
                uint v = Scaled(imm, 8, 4);
                return m | Reg5(rs2) << 2 | Bits(v, 5, 2) << 9 | Bits(v, 7, 6) << 7;
            }
            case Format.CSdsp:
            {
                uint v = Scaled(imm, 9, 8);
                return m | Reg5(rs2) << 2 | Bits(v, 5, 3) << 10 | Bits(v, 8, 6) << 7;
            }
            case Format.CJr or Format.CJalr: return m | Reg5(rs1) << 7;
            case Format.CMv or Format.CAdd: return m | Reg5(rd) << 7 | Reg5(rs2) << 2;
            default: throw new InvalidOperationException($"format {row.Format} has no encoding rule");
        }
    }

    private static uint Reg5(int r) => r is >= 0 and < 32 ? (uint)r : throw new ArgumentOutOfRangeException(nameof(r), r, "register index must be 0-31");
    private static uint Rd(int r) => Reg5(r) << 7;
    private static uint Rs1(int r) => Reg5(r) << 15;
    private static uint Rs2(int r) => Reg5(r) << 20;
    private static uint Prime(int r) => r is >= 8 and < 16 ? (uint)(r - 8) : throw new ArgumentOutOfRangeException(nameof(r), r, "compressed register operand must be x8-x15");
    private static uint ImmI(long imm) => Signed(imm, 12) << 20;
    private static uint CI6(uint v) => Bits(v, 5, 5) << 12 | Bits(v, 4, 0) << 2;
    private static uint Bits(uint v, int hi, int lo) => (v >> lo) & ((1u << (hi - lo + 1)) - 1);

    private static long Even(long imm) => (imm & 1) == 0 ? imm : throw Range(imm, "even");

    private static uint Signed(long imm, int width)
    {
        long min = -(1L << (width - 1)), max = (1L << (width - 1)) - 1;
        if (imm < min || imm > max) throw Range(imm, $"in [{min}, {max}]");
        return (uint)(imm & ((1L << width) - 1));
    }

    private static uint Unsigned(long imm, int width)
    {
        if (imm < 0 || imm >= 1L << width) throw Range(imm, $"in [0, {(1L << width) - 1}]");
        return (uint)imm;
    }

    private static uint Scaled(long imm, int width, int scale)
    {
        if (imm % scale != 0) throw Range(imm, $"a multiple of {scale}");
        return Unsigned(imm, width);
    }

    private static ArgumentOutOfRangeException Range(long imm, string what) =>
        new(nameof(imm), imm, $"immediate must be {what}");
}
