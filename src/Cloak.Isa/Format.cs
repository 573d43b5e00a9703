namespace Cloak.Isa;

/// <summary>
/// Operand layout of an instruction: which fields it has, how its immediate is sliced and, for
/// compressed instructions, how the fields map onto the base instruction it expands to.
/// </summary>
public enum Format : byte
{
    /// <summary>No operands (ecall, ebreak, mret, wfi, fence.i, c.ebreak).</summary>
    None,
    R,          // rd, rs1, rs2
    I,          // rd, rs1, imm12
    Shift,      // rd, rs1, shamt[5:0]
    ShiftW,     // rd, rs1, shamt[4:0]
    Load,       // rd, imm12(rs1)
    Store,      // rs2, imm12(rs1)
    Branch,     // rs1, rs2, pc-relative target
    U,          // rd, imm20 (shifted left by 12)
    Jal,        // rd, pc-relative target
    Jalr,       // rd, imm12(rs1)
    Amo,        // rd, rs2, (rs1) with aq/rl
    Lr,         // rd, (rs1) with aq/rl
    Csr,        // rd, csr, rs1
    CsrImm,     // rd, csr, zimm[4:0]
    Fence,      // pred, succ (fm in the high bits)
    SfenceVma,  // rs1, rs2
    TrpRs1,     // rs1            (trp.enter)
    TrpRd,      // rd             (trp.mode)
    TrpRdRs1,   // rd, rs1        (descriptor forms)

    // Compressed (RVC) layouts; the comment gives the base instruction's operands.
    CAddi4spn,  // rd', sp, nzuimm[9:2]
    CLoadW,     // rd', uimm[6:2](rs1')
    CLoadD,     // rd', uimm[7:3](rs1')
    CStoreW,    // rs2', uimm[6:2](rs1')
    CStoreD,    // rs2', uimm[7:3](rs1')
    CImm,       // rd, rd, imm[5:0]          (c.addi, c.addiw)
    CLi,        // rd, x0, imm[5:0]
    CLui,       // rd, nzimm[17:12]
    CAddi16sp,  // sp, sp, nzimm[9:4]
    CShift,     // rd, rd, shamt[5:0]        (c.slli)
    CShiftPrime,// rd', rd', shamt[5:0]      (c.srli, c.srai)
    CAndi,      // rd', rd', imm[5:0]
    CArith,     // rd', rd', rs2'            (c.sub ... c.addw)
    CJump,      // x0, offset[11:1]
    CBranch,    // rs1', x0, offset[8:1]
    CLwsp,      // rd, uimm[7:2](sp)
    CLdsp,      // rd, uimm[8:3](sp)
    CSwsp,      // rs2, uimm[7:2](sp)
    CSdsp,      // rs2, uimm[8:3](sp)
    CJr,        // x0, 0(rs1)
    CJalr,      // ra, 0(rs1)
    CMv,        // rd, x0, rs2
    CAdd,       // rd, rd, rs2
}

/// <summary>Reserved-encoding rules that a mask/match pair cannot express (RVC spec, "reserved").</summary>
[Flags]
public enum Constraint : byte
{
    None = 0,
    RdNonZero = 1,
    Rs1NonZero = 2,
    ImmNonZero = 4,
}
