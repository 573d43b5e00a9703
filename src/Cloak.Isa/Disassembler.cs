using System.Globalization;

namespace Cloak.Isa;

/// <summary>
/// Renders decoded instructions as text in the syntax of GNU objdump with <c>-M no-aliases</c>
/// (ABI register names, compressed mnemonics kept, branch targets as absolute hex addresses), so
/// traces can be compared with the toolchain's own listings. The text assembler parses the same syntax.
/// </summary>
public static class Disassembler
{
    public static string Disassemble(uint bits, ulong pc = 0) => Disassemble(Decoder.Decode(bits), pc);

    public static string Disassemble(in DecodedInstruction d, ulong pc = 0)
    {
        if (d.Info is null)
        {
            if (d.Length == 2 && (d.Raw & 0xFFFF) == 0) return "c.unimp";
            return d.Length == 2 ? $".2byte 0x{d.Raw & 0xFFFF:x}" : $".4byte 0x{d.Raw:x}";
        }
        if (d.Op == Op.Fence && (d.Imm & 0xFFF) == 0x833 && (d.Raw & 0xF8F80) == 0) return "fence.tso";
        // Reserved fields of FENCE (fm, rs1, rd) and FENCE.I (imm, rs1, rd) are not part of their text:
        // objdump shows such words as data, and so does Cloak (they still execute as fences).
        if ((d.Op == Op.Fence && ((d.Raw & 0xF8F80) != 0 || ((d.Raw >> 28) & 0xF) != 0)) || (d.Op == Op.FenceI && (d.Raw & 0xFFFF_8F80) != 0))
            return $".4byte 0x{d.Raw:x}";
        if (d.Info.Format is Format.CShift or Format.CShiftPrime && d.Imm == 0)
            return $"{d.Info.Mnemonic}64 {R(d.Rd)}";
        string operands = Operands(d, pc);
        return operands.Length == 0 ? d.Info.Mnemonic : d.Info.Mnemonic + Suffix(d) + " " + operands;
    }

    private static string Suffix(in DecodedInstruction d) =>
        d.Info!.Format is Format.Amo or Format.Lr ? (d.Imm & 3) switch { 3 => ".aqrl", 2 => ".aq", 1 => ".rl", _ => "" } : "";

    private static string R(int index) => RegNames.Abi(index);
    private static string Hex(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
    private static string Dec(long value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Target(ulong pc, long offset) => (pc + (ulong)offset).ToString("x", CultureInfo.InvariantCulture);

    private static string Operands(in DecodedInstruction d, ulong pc) => d.Info!.Format switch
    {
        Format.None => "",
        Format.R => $"{R(d.Rd)},{R(d.Rs1)},{R(d.Rs2)}",
        Format.I => $"{R(d.Rd)},{R(d.Rs1)},{Dec(d.Imm)}",
        Format.Shift or Format.ShiftW => $"{R(d.Rd)},{R(d.Rs1)},{Hex(d.Imm)}",
        Format.Load or Format.Jalr => $"{R(d.Rd)},{Dec(d.Imm)}({R(d.Rs1)})",
        Format.Store => $"{R(d.Rs2)},{Dec(d.Imm)}({R(d.Rs1)})",
        Format.Branch => $"{R(d.Rs1)},{R(d.Rs2)},{Target(pc, d.Imm)}",
        Format.U => $"{R(d.Rd)},{Hex((d.Imm >> 12) & 0xFFFFF)}",
        Format.Jal => $"{R(d.Rd)},{Target(pc, d.Imm)}",
        Format.Amo => $"{R(d.Rd)},{R(d.Rs2)},({R(d.Rs1)})",
        Format.Lr => $"{R(d.Rd)},({R(d.Rs1)})",
        Format.Csr => $"{R(d.Rd)},{CsrAddress.Name((int)d.Imm)},{R(d.Rs1)}",
        Format.CsrImm => $"{R(d.Rd)},{CsrAddress.Name((int)d.Imm)},{Dec(d.Rs1)}",
        Format.Fence => FenceOperands((int)d.Imm),
        Format.SfenceVma => $"{R(d.Rs1)},{R(d.Rs2)}",
        Format.TrpRs1 => R(d.Rs1),
        Format.TrpRd => R(d.Rd),
        Format.TrpRdRs1 => $"{R(d.Rd)},{R(d.Rs1)}",

        Format.CAddi4spn => $"{R(d.Rd)},sp,{Dec(d.Imm)}",
        Format.CLoadW or Format.CLoadD or Format.CLwsp or Format.CLdsp => $"{R(d.Rd)},{Dec(d.Imm)}({R(d.Rs1)})",
        Format.CStoreW or Format.CStoreD or Format.CSwsp or Format.CSdsp => $"{R(d.Rs2)},{Dec(d.Imm)}({R(d.Rs1)})",
        Format.CImm or Format.CLi or Format.CAndi => $"{R(d.Rd)},{Dec(d.Imm)}",
        Format.CLui => $"{R(d.Rd)},{Hex((d.Imm >> 12) & 0xFFFFF)}",
        Format.CAddi16sp => $"sp,{Dec(d.Imm)}",
        Format.CShift or Format.CShiftPrime => $"{R(d.Rd)},{Hex(d.Imm)}",
        Format.CArith => $"{R(d.Rd)},{R(d.Rs2)}",
        Format.CJump => Target(pc, d.Imm),
        Format.CBranch => $"{R(d.Rs1)},{Target(pc, d.Imm)}",
        Format.CJr or Format.CJalr => R(d.Rs1),
        Format.CMv or Format.CAdd => $"{R(d.Rd)},{R(d.Rs2)}",
        _ => throw new InvalidOperationException($"format {d.Info.Format} has no text form"),
    };

    /// <summary>FENCE predecessor and successor sets as objdump prints them: letters from "iorw".</summary>
    private static string FenceOperands(int bits) => FenceSet(bits >> 4 & 0xF) + "," + FenceSet(bits & 0xF);

    internal static string FenceSet(int set)
    {
        if (set == 0) return "0";
        Span<char> text = stackalloc char[4];
        int n = 0;
        if ((set & 8) != 0) text[n++] = 'i';
        if ((set & 4) != 0) text[n++] = 'o';
        if ((set & 2) != 0) text[n++] = 'r';
        if ((set & 1) != 0) text[n++] = 'w';
        return new string(text[..n]);
    }
}
