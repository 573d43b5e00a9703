namespace Cloak.Isa;

/// <summary>
/// Every instruction the table knows, named after its mnemonic. Compressed instructions have
/// their own members (for the disassembler) and expand to a base member (for the executor),
/// see <see cref="OpcodeInfo.Semantic"/>.
/// </summary>
public enum Op : ushort
{
    /// <summary>No table row matched, or a reserved encoding: executing it raises illegal instruction.</summary>
    Illegal = 0,

    // RV64I
    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw,
    Fence, Ecall, Ebreak,

    // Zifencei
    FenceI,

    // Zicsr
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,

    // Privileged (M and U modes, plus the address-translation fence)
    Mret, Wfi, SfenceVma,

    // RV64M
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw,

    // RV64A
    LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,

    // RV64C
    CAddi4spn, CLw, CLd, CSw, CSd,
    CAddi, CAddiw, CLi, CAddi16sp, CLui, CSrli, CSrai, CAndi,
    CSub, CXor, COr, CAnd, CSubw, CAddw, CJ, CBeqz, CBnez,
    CSlli, CLwsp, CLdsp, CJr, CMv, CEbreak, CJalr, CAdd, CSwsp, CSdsp,

    // Cloak's tamper-resistant-processor instructions (custom-0 major opcode; docs/isa.md)
    TrpEnter, TrpHidden, TrpPrivate, TrpEarSet, TrpEarClear, TrpRandom, TrpKeyPair, TrpAgree, TrpSign, TrpVerify, TrpMode, TrpAttest, TrpVerifyReport,
}

/// <summary>The ISA extension an instruction belongs to (misa letters plus the Z extensions).</summary>
public enum Extension : byte { I, M, A, C, Zicsr, Zifencei, Privileged, Trp }
