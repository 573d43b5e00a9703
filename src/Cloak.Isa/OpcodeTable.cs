namespace Cloak.Isa;

/// <summary>
/// The instruction set, described once. The decoder, the disassembler, the encoder, the text
/// assembler and the overlap test all read this table; nothing else knows an encoding.
/// Encodings: RISC-V unprivileged spec (RV64I, M, A, C, Zicsr, Zifencei) and privileged spec
/// (mret, wfi, sfence.vma).
/// </summary>
public static class OpcodeTable
{
    // Major opcodes (bits 6:0).
    private const uint Load = 0x03, MiscMem = 0x0F, OpImm = 0x13, Auipc = 0x17, OpImm32 = 0x1B, Store = 0x23,
        Amo = 0x2F, OpReg = 0x33, Lui = 0x37, Op32 = 0x3B, Branch = 0x63, Jalr = 0x67, Jal = 0x6F, System = 0x73;

    // Masks by how much of the word is fixed.
    private const uint MaskOpcode = 0x7F, MaskF3 = 0x707F, MaskF7 = 0xFE00_707F, MaskF6 = 0xFC00_707F,
        MaskAmo = 0xF800_707F, MaskLr = 0xF9F0_707F, MaskAll = 0xFFFF_FFFF;

    private static uint F3(uint opcode, uint f3) => opcode | (f3 << 12);
    private static uint F7(uint opcode, uint f3, uint f7) => opcode | (f3 << 12) | (f7 << 25);
    private static uint AmoMatch(uint f3, uint f5) => Amo | (f3 << 12) | (f5 << 27);

    // RVC: quadrant in bits 1:0, funct3 in bits 15:13.
    private const uint MaskC3 = 0xE003;
    private static uint C(uint quadrant, uint f3) => quadrant | (f3 << 13);

    public static IReadOnlyList<OpcodeInfo> All { get; } = Build();

    private static OpcodeInfo[] Build()
    {
        var rows = new List<OpcodeInfo>();
        void Add(Op op, string name, uint mask, uint match, Format format, Extension ext) =>
            rows.Add(new OpcodeInfo(op, name, mask, match, format, ext, op, Constraint.None));
        void AddC(Op op, string name, uint mask, uint match, Format format, Op semantic, Constraint constraints = Constraint.None) =>
            rows.Add(new OpcodeInfo(op, name, mask, match, format, Extension.C, semantic, constraints));

        // ---- RV64I --------------------------------------------------------------------------
        Add(Op.Lui, "lui", MaskOpcode, Lui, Format.U, Extension.I);
        Add(Op.Auipc, "auipc", MaskOpcode, Auipc, Format.U, Extension.I);
        Add(Op.Jal, "jal", MaskOpcode, Jal, Format.Jal, Extension.I);
        Add(Op.Jalr, "jalr", MaskF3, F3(Jalr, 0), Format.Jalr, Extension.I);

        Add(Op.Beq, "beq", MaskF3, F3(Branch, 0), Format.Branch, Extension.I);
        Add(Op.Bne, "bne", MaskF3, F3(Branch, 1), Format.Branch, Extension.I);
        Add(Op.Blt, "blt", MaskF3, F3(Branch, 4), Format.Branch, Extension.I);
        Add(Op.Bge, "bge", MaskF3, F3(Branch, 5), Format.Branch, Extension.I);
        Add(Op.Bltu, "bltu", MaskF3, F3(Branch, 6), Format.Branch, Extension.I);
        Add(Op.Bgeu, "bgeu", MaskF3, F3(Branch, 7), Format.Branch, Extension.I);

        Add(Op.Lb, "lb", MaskF3, F3(Load, 0), Format.Load, Extension.I);
        Add(Op.Lh, "lh", MaskF3, F3(Load, 1), Format.Load, Extension.I);
        Add(Op.Lw, "lw", MaskF3, F3(Load, 2), Format.Load, Extension.I);
        Add(Op.Ld, "ld", MaskF3, F3(Load, 3), Format.Load, Extension.I);
        Add(Op.Lbu, "lbu", MaskF3, F3(Load, 4), Format.Load, Extension.I);
        Add(Op.Lhu, "lhu", MaskF3, F3(Load, 5), Format.Load, Extension.I);
        Add(Op.Lwu, "lwu", MaskF3, F3(Load, 6), Format.Load, Extension.I);

        Add(Op.Sb, "sb", MaskF3, F3(Store, 0), Format.Store, Extension.I);
        Add(Op.Sh, "sh", MaskF3, F3(Store, 1), Format.Store, Extension.I);
        Add(Op.Sw, "sw", MaskF3, F3(Store, 2), Format.Store, Extension.I);
        Add(Op.Sd, "sd", MaskF3, F3(Store, 3), Format.Store, Extension.I);

        Add(Op.Addi, "addi", MaskF3, F3(OpImm, 0), Format.I, Extension.I);
        Add(Op.Slti, "slti", MaskF3, F3(OpImm, 2), Format.I, Extension.I);
        Add(Op.Sltiu, "sltiu", MaskF3, F3(OpImm, 3), Format.I, Extension.I);
        Add(Op.Xori, "xori", MaskF3, F3(OpImm, 4), Format.I, Extension.I);
        Add(Op.Ori, "ori", MaskF3, F3(OpImm, 6), Format.I, Extension.I);
        Add(Op.Andi, "andi", MaskF3, F3(OpImm, 7), Format.I, Extension.I);
        Add(Op.Slli, "slli", MaskF6, F3(OpImm, 1), Format.Shift, Extension.I);
        Add(Op.Srli, "srli", MaskF6, F3(OpImm, 5), Format.Shift, Extension.I);
        Add(Op.Srai, "srai", MaskF6, F3(OpImm, 5) | (0x10u << 26), Format.Shift, Extension.I);

        Add(Op.Add, "add", MaskF7, F7(OpReg, 0, 0x00), Format.R, Extension.I);
        Add(Op.Sub, "sub", MaskF7, F7(OpReg, 0, 0x20), Format.R, Extension.I);
        Add(Op.Sll, "sll", MaskF7, F7(OpReg, 1, 0x00), Format.R, Extension.I);
        Add(Op.Slt, "slt", MaskF7, F7(OpReg, 2, 0x00), Format.R, Extension.I);
        Add(Op.Sltu, "sltu", MaskF7, F7(OpReg, 3, 0x00), Format.R, Extension.I);
        Add(Op.Xor, "xor", MaskF7, F7(OpReg, 4, 0x00), Format.R, Extension.I);
        Add(Op.Srl, "srl", MaskF7, F7(OpReg, 5, 0x00), Format.R, Extension.I);
        Add(Op.Sra, "sra", MaskF7, F7(OpReg, 5, 0x20), Format.R, Extension.I);
        Add(Op.Or, "or", MaskF7, F7(OpReg, 6, 0x00), Format.R, Extension.I);
        Add(Op.And, "and", MaskF7, F7(OpReg, 7, 0x00), Format.R, Extension.I);

        Add(Op.Addiw, "addiw", MaskF3, F3(OpImm32, 0), Format.I, Extension.I);
        Add(Op.Slliw, "slliw", MaskF7, F7(OpImm32, 1, 0x00), Format.ShiftW, Extension.I);
        Add(Op.Srliw, "srliw", MaskF7, F7(OpImm32, 5, 0x00), Format.ShiftW, Extension.I);
        Add(Op.Sraiw, "sraiw", MaskF7, F7(OpImm32, 5, 0x20), Format.ShiftW, Extension.I);
        Add(Op.Addw, "addw", MaskF7, F7(Op32, 0, 0x00), Format.R, Extension.I);
        Add(Op.Subw, "subw", MaskF7, F7(Op32, 0, 0x20), Format.R, Extension.I);
        Add(Op.Sllw, "sllw", MaskF7, F7(Op32, 1, 0x00), Format.R, Extension.I);
        Add(Op.Srlw, "srlw", MaskF7, F7(Op32, 5, 0x00), Format.R, Extension.I);
        Add(Op.Sraw, "sraw", MaskF7, F7(Op32, 5, 0x20), Format.R, Extension.I);

        // FENCE ignores rd, rs1 and fm for now (unprivileged spec 2.7: reserved fields, "treat as a normal fence").
        Add(Op.Fence, "fence", MaskF3, F3(MiscMem, 0), Format.Fence, Extension.I);
        Add(Op.Ecall, "ecall", MaskAll, 0x0000_0073, Format.None, Extension.I);
        Add(Op.Ebreak, "ebreak", MaskAll, 0x0010_0073, Format.None, Extension.I);

        // ---- Zifencei: imm, rs1, rd are reserved and ignored -------------------------------------
        Add(Op.FenceI, "fence.i", MaskF3, F3(MiscMem, 1), Format.None, Extension.Zifencei);

        // ---- Zicsr --------------------------------------------------------------------------------
        Add(Op.Csrrw, "csrrw", MaskF3, F3(System, 1), Format.Csr, Extension.Zicsr);
        Add(Op.Csrrs, "csrrs", MaskF3, F3(System, 2), Format.Csr, Extension.Zicsr);
        Add(Op.Csrrc, "csrrc", MaskF3, F3(System, 3), Format.Csr, Extension.Zicsr);
        Add(Op.Csrrwi, "csrrwi", MaskF3, F3(System, 5), Format.CsrImm, Extension.Zicsr);
        Add(Op.Csrrsi, "csrrsi", MaskF3, F3(System, 6), Format.CsrImm, Extension.Zicsr);
        Add(Op.Csrrci, "csrrci", MaskF3, F3(System, 7), Format.CsrImm, Extension.Zicsr);

        // ---- Privileged -------------------------------------------------------------------------
        Add(Op.Mret, "mret", MaskAll, 0x3020_0073, Format.None, Extension.Privileged);
        Add(Op.Wfi, "wfi", MaskAll, 0x1050_0073, Format.None, Extension.Privileged);
        Add(Op.SfenceVma, "sfence.vma", 0xFE00_7FFF, 0x1200_0073, Format.SfenceVma, Extension.Privileged);

        // ---- RV64M ------------------------------------------------------------------------------
        Add(Op.Mul, "mul", MaskF7, F7(OpReg, 0, 1), Format.R, Extension.M);
        Add(Op.Mulh, "mulh", MaskF7, F7(OpReg, 1, 1), Format.R, Extension.M);
        Add(Op.Mulhsu, "mulhsu", MaskF7, F7(OpReg, 2, 1), Format.R, Extension.M);
        Add(Op.Mulhu, "mulhu", MaskF7, F7(OpReg, 3, 1), Format.R, Extension.M);
        Add(Op.Div, "div", MaskF7, F7(OpReg, 4, 1), Format.R, Extension.M);
        Add(Op.Divu, "divu", MaskF7, F7(OpReg, 5, 1), Format.R, Extension.M);
        Add(Op.Rem, "rem", MaskF7, F7(OpReg, 6, 1), Format.R, Extension.M);
        Add(Op.Remu, "remu", MaskF7, F7(OpReg, 7, 1), Format.R, Extension.M);
        Add(Op.Mulw, "mulw", MaskF7, F7(Op32, 0, 1), Format.R, Extension.M);
        Add(Op.Divw, "divw", MaskF7, F7(Op32, 4, 1), Format.R, Extension.M);
        Add(Op.Divuw, "divuw", MaskF7, F7(Op32, 5, 1), Format.R, Extension.M);
        Add(Op.Remw, "remw", MaskF7, F7(Op32, 6, 1), Format.R, Extension.M);
        Add(Op.Remuw, "remuw", MaskF7, F7(Op32, 7, 1), Format.R, Extension.M);

        // ---- RV64A: funct5 in bits 31:27, aq/rl in 26:25 ----------------------------------------
        foreach (var (width, f3, ops) in new[]
        {
            ("w", 2u, new[] { Op.LrW, Op.ScW, Op.AmoswapW, Op.AmoaddW, Op.AmoxorW, Op.AmoandW, Op.AmoorW, Op.AmominW, Op.AmomaxW, Op.AmominuW, Op.AmomaxuW }),
            ("d", 3u, new[] { Op.LrD, Op.ScD, Op.AmoswapD, Op.AmoaddD, Op.AmoxorD, Op.AmoandD, Op.AmoorD, Op.AmominD, Op.AmomaxD, Op.AmominuD, Op.AmomaxuD }),
        })
        {
            Add(ops[0], "lr." + width, MaskLr, AmoMatch(f3, 0x02), Format.Lr, Extension.A);
            Add(ops[1], "sc." + width, MaskAmo, AmoMatch(f3, 0x03), Format.Amo, Extension.A);
            Add(ops[2], "amoswap." + width, MaskAmo, AmoMatch(f3, 0x01), Format.Amo, Extension.A);
            Add(ops[3], "amoadd." + width, MaskAmo, AmoMatch(f3, 0x00), Format.Amo, Extension.A);
            Add(ops[4], "amoxor." + width, MaskAmo, AmoMatch(f3, 0x04), Format.Amo, Extension.A);
            Add(ops[5], "amoand." + width, MaskAmo, AmoMatch(f3, 0x0C), Format.Amo, Extension.A);
            Add(ops[6], "amoor." + width, MaskAmo, AmoMatch(f3, 0x08), Format.Amo, Extension.A);
            Add(ops[7], "amomin." + width, MaskAmo, AmoMatch(f3, 0x10), Format.Amo, Extension.A);
            Add(ops[8], "amomax." + width, MaskAmo, AmoMatch(f3, 0x14), Format.Amo, Extension.A);
            Add(ops[9], "amominu." + width, MaskAmo, AmoMatch(f3, 0x18), Format.Amo, Extension.A);
            Add(ops[10], "amomaxu." + width, MaskAmo, AmoMatch(f3, 0x1C), Format.Amo, Extension.A);
        }

        // ---- Cloak TRP instructions: custom-0 (0b0001011), R-type, funct3 = 0, funct7 = operation --------
        const uint Custom0 = 0x0B;
        Add(Op.TrpEnter, "trp.enter", 0xFFF0_7FFF, F7(Custom0, 0, 0x00), Format.TrpRs1, Extension.Trp);
        Add(Op.TrpHidden, "trp.hidden", MaskF7, F7(Custom0, 0, 0x01), Format.R, Extension.Trp);
        Add(Op.TrpPrivate, "trp.private", MaskF7, F7(Custom0, 0, 0x02), Format.R, Extension.Trp);
        Add(Op.TrpEarSet, "trp.earset", 0xFFF0_707F, F7(Custom0, 0, 0x03), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpEarClear, "trp.earclear", 0xFFF0_707F, F7(Custom0, 0, 0x04), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpRandom, "trp.random", MaskF7, F7(Custom0, 0, 0x05), Format.R, Extension.Trp);
        Add(Op.TrpKeyPair, "trp.keypair", 0xFFF0_707F, F7(Custom0, 0, 0x06), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpAgree, "trp.agree", 0xFFF0_707F, F7(Custom0, 0, 0x07), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpSign, "trp.sign", 0xFFF0_707F, F7(Custom0, 0, 0x08), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpVerify, "trp.verify", 0xFFF0_707F, F7(Custom0, 0, 0x09), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpMode, "trp.mode", 0xFFFF_F07F, F7(Custom0, 0, 0x0A), Format.TrpRd, Extension.Trp);
        Add(Op.TrpAttest, "trp.attest", 0xFFF0_707F, F7(Custom0, 0, 0x0B), Format.TrpRdRs1, Extension.Trp);
        Add(Op.TrpVerifyReport, "trp.verifyreport", 0xFFF0_707F, F7(Custom0, 0, 0x0C), Format.TrpRdRs1, Extension.Trp);

        // ---- RV64C --------------------------------------------------------------------------------
        // Quadrant 0. The all-zero parcel is c.addi4spn with nzuimm = 0: reserved, hence illegal.
        AddC(Op.CAddi4spn, "c.addi4spn", MaskC3, C(0, 0), Format.CAddi4spn, Op.Addi, Constraint.ImmNonZero);
        AddC(Op.CLw, "c.lw", MaskC3, C(0, 2), Format.CLoadW, Op.Lw);
        AddC(Op.CLd, "c.ld", MaskC3, C(0, 3), Format.CLoadD, Op.Ld);
        AddC(Op.CSw, "c.sw", MaskC3, C(0, 6), Format.CStoreW, Op.Sw);
        AddC(Op.CSd, "c.sd", MaskC3, C(0, 7), Format.CStoreD, Op.Sd);

        // Quadrant 1.
        // c.nop is c.addi with rd = x0 and imm = 0; objdump -M no-aliases prints it as c.addi zero,0.
        AddC(Op.CAddi, "c.addi", MaskC3, C(1, 0), Format.CImm, Op.Addi);
        AddC(Op.CAddiw, "c.addiw", MaskC3, C(1, 1), Format.CImm, Op.Addiw, Constraint.RdNonZero);
        AddC(Op.CLi, "c.li", MaskC3, C(1, 2), Format.CLi, Op.Addi);
        AddC(Op.CAddi16sp, "c.addi16sp", 0xEF83, C(1, 3) | (2u << 7), Format.CAddi16sp, Op.Addi, Constraint.ImmNonZero);
        AddC(Op.CLui, "c.lui", MaskC3, C(1, 3), Format.CLui, Op.Lui, Constraint.ImmNonZero);
        AddC(Op.CSrli, "c.srli", 0xEC03, C(1, 4) | (0u << 10), Format.CShiftPrime, Op.Srli);
        AddC(Op.CSrai, "c.srai", 0xEC03, C(1, 4) | (1u << 10), Format.CShiftPrime, Op.Srai);
        AddC(Op.CAndi, "c.andi", 0xEC03, C(1, 4) | (2u << 10), Format.CAndi, Op.Andi);
        AddC(Op.CSub, "c.sub", 0xFC63, C(1, 4) | (3u << 10) | (0u << 5), Format.CArith, Op.Sub);
        AddC(Op.CXor, "c.xor", 0xFC63, C(1, 4) | (3u << 10) | (1u << 5), Format.CArith, Op.Xor);
        AddC(Op.COr, "c.or", 0xFC63, C(1, 4) | (3u << 10) | (2u << 5), Format.CArith, Op.Or);
        AddC(Op.CAnd, "c.and", 0xFC63, C(1, 4) | (3u << 10) | (3u << 5), Format.CArith, Op.And);
        AddC(Op.CSubw, "c.subw", 0xFC63, C(1, 4) | (7u << 10) | (0u << 5), Format.CArith, Op.Subw);
        AddC(Op.CAddw, "c.addw", 0xFC63, C(1, 4) | (7u << 10) | (1u << 5), Format.CArith, Op.Addw);
        AddC(Op.CJ, "c.j", MaskC3, C(1, 5), Format.CJump, Op.Jal);
        AddC(Op.CBeqz, "c.beqz", MaskC3, C(1, 6), Format.CBranch, Op.Beq);
        AddC(Op.CBnez, "c.bnez", MaskC3, C(1, 7), Format.CBranch, Op.Bne);

        // Quadrant 2.
        AddC(Op.CSlli, "c.slli", MaskC3, C(2, 0), Format.CShift, Op.Slli);
        AddC(Op.CLwsp, "c.lwsp", MaskC3, C(2, 2), Format.CLwsp, Op.Lw, Constraint.RdNonZero);
        AddC(Op.CLdsp, "c.ldsp", MaskC3, C(2, 3), Format.CLdsp, Op.Ld, Constraint.RdNonZero);
        AddC(Op.CJr, "c.jr", 0xF07F, C(2, 4), Format.CJr, Op.Jalr, Constraint.Rs1NonZero);
        AddC(Op.CMv, "c.mv", 0xF003, C(2, 4), Format.CMv, Op.Add);
        AddC(Op.CEbreak, "c.ebreak", 0xFFFF, C(2, 4) | (1u << 12), Format.None, Op.Ebreak);
        AddC(Op.CJalr, "c.jalr", 0xF07F, C(2, 4) | (1u << 12), Format.CJalr, Op.Jalr);
        AddC(Op.CAdd, "c.add", 0xF003, C(2, 4) | (1u << 12), Format.CAdd, Op.Add);
        AddC(Op.CSwsp, "c.swsp", MaskC3, C(2, 6), Format.CSwsp, Op.Sw);
        AddC(Op.CSdsp, "c.sdsp", MaskC3, C(2, 7), Format.CSdsp, Op.Sd);

        return [.. rows];
    }

    /// <summary>
    /// Pairs of rows whose encodings nest on purpose: the more specific row (first) takes
    /// precedence over the general one (second), as the RVC spec defines. The overlap test
    /// allows exactly these and no others.
    /// </summary>
    public static IReadOnlyList<(Op Specific, Op General)> Refinements { get; } =
    [
        (Op.CAddi16sp, Op.CLui),
        (Op.CJr, Op.CMv),
        (Op.CEbreak, Op.CJalr),
        (Op.CEbreak, Op.CAdd),
        (Op.CJalr, Op.CAdd),
    ];

    private static readonly Dictionary<Op, OpcodeInfo> ByOpMap = All.ToDictionary(r => r.Op);

    public static OpcodeInfo ByOp(Op op) => ByOpMap[op];

    public static OpcodeInfo? ByMnemonic(string mnemonic) => All.FirstOrDefault(r => r.Mnemonic == mnemonic);
}
