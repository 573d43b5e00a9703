using System.Globalization;

namespace Cloak.Isa;

/// <summary>
/// Assembles one instruction written in <see cref="Disassembler"/>'s syntax ("addi a0,a1,-5",
/// "c.lw a3,4(a5)", "beq a0,a1,80000010"). Branch and jump targets are absolute hex addresses
/// given as the address the instruction sits at, as in objdump listings. It exists
/// so the disassembler can be checked by a round trip and so tests can be written as text.
/// </summary>
public static class Assembler
{
    public static uint Assemble(string text, ulong pc = 0)
    {
        text = text.Trim();
        int space = text.IndexOfAny([' ', '\t']);
        string mnemonic = space < 0 ? text : text[..space];
        string rest = space < 0 ? "" : text[(space + 1)..].Trim();
        if (mnemonic == "fence.tso") return Encoder.Encode(Op.Fence, imm: 0x833);
        if (mnemonic == "c.nop" && rest.Length == 0) return 0x0001; // c.addi zero,0
        if (mnemonic is "c.slli64" or "c.srli64" or "c.srai64")
        {
            var shift = OpcodeTable.ByMnemonic(mnemonic[..^2])!;
            return Encoder.Encode(shift, RegNames.TryParse(rest, out int r) ? r : throw new FormatException($"'{rest}' is not a register"), imm: 0);
        }

        int ordering = 0;
        OpcodeInfo? row = OpcodeTable.ByMnemonic(mnemonic);
        if (row is null)
        {
            foreach (var (suffix, bits) in new[] { (".aqrl", 3), (".aq", 2), (".rl", 1) })
            {
                if (!mnemonic.EndsWith(suffix, StringComparison.Ordinal)) continue;
                row = OpcodeTable.ByMnemonic(mnemonic[..^suffix.Length]);
                if (row is { Format: Format.Amo or Format.Lr }) { ordering = bits; break; }
                row = null;
            }
        }
        if (row is null) throw new FormatException($"unknown mnemonic '{mnemonic}'");

        string[] a = rest.Length == 0 ? [] : rest.Split(',', StringSplitOptions.TrimEntries);
        void Expect(int count)
        {
            if (a.Length != count) throw new FormatException($"'{text}': {row.Mnemonic} takes {count} operand(s)");
        }
        long Rel(string target) => (long)(ParseAddress(target) - pc);

        switch (row.Format)
        {
            case Format.None: Expect(0); return Encoder.Encode(row);
            case Format.R: Expect(3); return Encoder.Encode(row, Reg(a[0]), Reg(a[1]), Reg(a[2]));
            case Format.I or Format.Shift or Format.ShiftW: Expect(3); return Encoder.Encode(row, Reg(a[0]), Reg(a[1]), imm: Number(a[2]));
            case Format.Load or Format.Jalr:
            {
                Expect(2);
                var (offset, baseReg) = Memory(a[1]);
                return Encoder.Encode(row, Reg(a[0]), baseReg, imm: offset);
            }
            case Format.Store:
            {
                Expect(2);
                var (offset, baseReg) = Memory(a[1]);
                return Encoder.Encode(row, rs1: baseReg, rs2: Reg(a[0]), imm: offset);
            }
            case Format.Branch: Expect(3); return Encoder.Encode(row, rs1: Reg(a[0]), rs2: Reg(a[1]), imm: Rel(a[2]));
            case Format.U: Expect(2); return Encoder.Encode(row, Reg(a[0]), imm: (long)(int)((uint)Number(a[1]) << 12));
            case Format.Jal: Expect(2); return Encoder.Encode(row, Reg(a[0]), imm: Rel(a[1]));
            case Format.Amo: Expect(3); return Encoder.Encode(row, Reg(a[0]), Paren(a[2]), Reg(a[1]), ordering);
            case Format.Lr: Expect(2); return Encoder.Encode(row, Reg(a[0]), Paren(a[1]), imm: ordering);
            case Format.Csr: Expect(3); return Encoder.Encode(row, Reg(a[0]), Reg(a[2]), imm: Csr(a[1]));
            case Format.CsrImm: Expect(3); return Encoder.Encode(row, Reg(a[0]), (int)Number(a[2]), imm: Csr(a[1]));
            case Format.Fence: Expect(2); return Encoder.Encode(row, imm: FenceSet(a[0]) << 4 | FenceSet(a[1]));
            case Format.TrpRs1: Expect(1); return Encoder.Encode(row, rs1: Reg(a[0]));
            case Format.TrpRd: Expect(1); return Encoder.Encode(row, Reg(a[0]));
            case Format.TrpRdRs1: Expect(2); return Encoder.Encode(row, Reg(a[0]), Reg(a[1]));
            case Format.SfenceVma:
                if (a.Length == 0) return Encoder.Encode(row);
                Expect(2); return Encoder.Encode(row, rs1: Reg(a[0]), rs2: Reg(a[1]));

            case Format.CAddi4spn: Expect(3); return Encoder.Encode(row, Reg(a[0]), imm: Number(a[2]));
            case Format.CLoadW or Format.CLoadD or Format.CLwsp or Format.CLdsp:
            {
                Expect(2);
                var (offset, baseReg) = Memory(a[1]);
                return Encoder.Encode(row, Reg(a[0]), baseReg, imm: offset);
            }
            case Format.CStoreW or Format.CStoreD or Format.CSwsp or Format.CSdsp:
            {
                Expect(2);
                var (offset, baseReg) = Memory(a[1]);
                return Encoder.Encode(row, rs1: baseReg, rs2: Reg(a[0]), imm: offset);
            }
            case Format.CImm or Format.CLi or Format.CAndi or Format.CShift or Format.CShiftPrime:
                Expect(2); return Encoder.Encode(row, Reg(a[0]), imm: Number(a[1]));
            case Format.CLui: Expect(2); return Encoder.Encode(row, Reg(a[0]), imm: SignExtend20(Number(a[1])) << 12);
            case Format.CAddi16sp: Expect(2); return Encoder.Encode(row, imm: Number(a[1]));
            case Format.CArith or Format.CMv or Format.CAdd: Expect(2); return Encoder.Encode(row, Reg(a[0]), rs2: Reg(a[1]));
            case Format.CJump: Expect(1); return Encoder.Encode(row, imm: Rel(a[0]));
            case Format.CBranch: Expect(2); return Encoder.Encode(row, rs1: Reg(a[0]), imm: Rel(a[1]));
            case Format.CJr or Format.CJalr: Expect(1); return Encoder.Encode(row, rs1: Reg(a[0]));
            default: throw new InvalidOperationException($"format {row.Format} has no text form");
        }
    }

    private static long SignExtend20(long v) => (v & 0x8_0000) != 0 ? v - 0x10_0000 : v;

    private static int Reg(string text) =>
        RegNames.TryParse(text, out int index) ? index : throw new FormatException($"'{text}' is not a register");

    private static int Paren(string text) =>
        text.Length > 2 && text[0] == '(' && text[^1] == ')' ? Reg(text[1..^1]) : throw new FormatException($"'{text}' is not (register)");

    private static (long Offset, int Base) Memory(string text)
    {
        int open = text.IndexOf('(');
        if (open < 0 || text[^1] != ')') throw new FormatException($"'{text}' is not offset(register)");
        return (open == 0 ? 0 : Number(text[..open]), Reg(text[(open + 1)..^1]));
    }

    private static int Csr(string text) =>
        CsrAddress.TryParse(text, out int csr) ? csr : throw new FormatException($"'{text}' is not a CSR");

    private static long Number(string text)
    {
        bool negative = text.StartsWith('-');
        string body = negative ? text[1..] : text;
        long value = body.StartsWith("0x", StringComparison.Ordinal)
            ? long.Parse(body.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    private static ulong ParseAddress(string text)
    {
        string body = text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text;
        return ulong.TryParse(body, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address)
            ? address : throw new FormatException($"'{text}' is not a hex address");
    }

    private static int FenceSet(string text)
    {
        if (text == "0") return 0;
        int set = 0;
        foreach (char c in text)
            set |= c switch { 'i' => 8, 'o' => 4, 'r' => 2, 'w' => 1, _ => throw new FormatException($"'{text}' is not a fence set") };
        return set;
    }
}
