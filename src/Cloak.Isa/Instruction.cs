namespace Cloak.Isa;

/// <summary>
/// A raw instruction word and the only code in Cloak that slices instruction bits.
/// Field and immediate layouts follow the RISC-V unprivileged spec, chapter 2 (base formats)
/// and chapter 16 (RVC). Compressed words occupy the low 16 bits.
/// </summary>
public readonly struct Instruction(uint bits)
{
    public uint Bits { get; } = bits;

    /// <summary>Base instructions end in 0b11; anything else is a 16-bit RVC parcel.</summary>
    public bool IsCompressed => (Bits & 3) != 3;
    public int Length => IsCompressed ? 2 : 4;

    // ---- base (32-bit) fields -------------------------------------------------------------
    public uint Opcode => Bits & 0x7F;
    public int Rd => (int)(Bits >> 7) & 31;
    public int Funct3 => (int)(Bits >> 12) & 7;
    public int Rs1 => (int)(Bits >> 15) & 31;
    public int Rs2 => (int)(Bits >> 20) & 31;
    public int Funct7 => (int)(Bits >> 25);

    public long ImmI => (int)Bits >> 20;
    public long ImmS => ((int)Bits >> 25 << 5) | (int)((Bits >> 7) & 0x1F);
    public long ImmB =>
        ((int)Bits >> 31 << 12) | (int)((Bits << 4) & 0x800) | (int)((Bits >> 20) & 0x7E0) | (int)((Bits >> 7) & 0x1E);
    public long ImmU => (int)(Bits & 0xFFFF_F000);
    public long ImmJ =>
        ((int)Bits >> 31 << 20) | (int)(Bits & 0xF_F000) | (int)((Bits >> 9) & 0x800) | (int)((Bits >> 20) & 0x7FE);
    public int Shamt6 => (int)(Bits >> 20) & 63;
    public int Shamt5 => (int)(Bits >> 20) & 31;
    public int CsrAddress => (int)(Bits >> 20);
    public bool Aq => (Bits & (1u << 26)) != 0;
    public bool Rl => (Bits & (1u << 25)) != 0;
    /// <summary>FENCE's fm, pred and succ fields (bits 31:20).</summary>
    public int FenceBits => (int)(Bits >> 20);

    // ---- compressed (16-bit) fields ---------------------------------------------------------
    private uint B(int hi, int lo) => (Bits >> lo) & ((1u << (hi - lo + 1)) - 1);

    /// <summary>rd/rs1 in bits 11:7 (CR, CI formats).</summary>
    public int CRd => (int)B(11, 7);
    /// <summary>rs2 in bits 6:2 (CR, CSS formats).</summary>
    public int CRs2 => (int)B(6, 2);
    /// <summary>rd'/rs2' in bits 4:2, naming x8-x15.</summary>
    public int CRdPrime => (int)B(4, 2) + 8;
    /// <summary>rs1'/rd' in bits 9:7, naming x8-x15.</summary>
    public int CRs1Prime => (int)B(9, 7) + 8;

    /// <summary>Six-bit signed immediate imm[5] = bit 12, imm[4:0] = bits 6:2 (c.addi, c.li, c.andi).</summary>
    public long CImm6 => SignExtend((B(12, 12) << 5) | B(6, 2), 6);
    /// <summary>Six-bit shift amount, shamt[5] = bit 12.</summary>
    public int CShamt => (int)((B(12, 12) << 5) | B(6, 2));
    public long CLuiImm => CImm6 << 12;
    public long CAddi16spImm =>
        SignExtend((B(12, 12) << 9) | (B(4, 3) << 7) | (B(5, 5) << 6) | (B(2, 2) << 5) | (B(6, 6) << 4), 10);
    public long CAddi4spnImm => (B(10, 7) << 6) | (B(12, 11) << 4) | (B(5, 5) << 3) | (B(6, 6) << 2);
    public long CLwImm => (B(5, 5) << 6) | (B(12, 10) << 3) | (B(6, 6) << 2);
    public long CLdImm => (B(6, 5) << 6) | (B(12, 10) << 3);
    public long CLwspImm => (B(3, 2) << 6) | (B(12, 12) << 5) | (B(6, 4) << 2);
    public long CLdspImm => (B(4, 2) << 6) | (B(12, 12) << 5) | (B(6, 5) << 3);
    public long CSwspImm => (B(8, 7) << 6) | (B(12, 9) << 2);
    public long CSdspImm => (B(9, 7) << 6) | (B(12, 10) << 3);
    public long CJImm => SignExtend(
        (B(12, 12) << 11) | (B(8, 8) << 10) | (B(10, 9) << 8) | (B(6, 6) << 7) | (B(7, 7) << 6) |
        (B(2, 2) << 5) | (B(11, 11) << 4) | (B(5, 3) << 1), 12);
    public long CBImm => SignExtend(
        (B(12, 12) << 8) | (B(6, 5) << 6) | (B(2, 2) << 5) | (B(11, 10) << 3) | (B(4, 3) << 1), 9);

    private static long SignExtend(uint value, int width) => (long)((ulong)value << (64 - width)) >> (64 - width);

    public override string ToString() => IsCompressed ? $"0x{Bits & 0xFFFF:x4}" : $"0x{Bits:x8}";
}
