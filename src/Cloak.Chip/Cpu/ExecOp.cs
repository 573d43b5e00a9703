namespace Cloak.Chip.Cpu;

/// <summary>
/// The executor's operation codes: the base instructions of <see cref="Isa.Op"/> (compressed ones are
/// already expanded) plus states of a decode-cache slot. Byte-sized so a decoded slot stays 16 bytes.
/// </summary>
internal enum ExecOp : byte
{
    /// <summary>The slot has not been decoded yet (a fresh page is all zeros).</summary>
    NotDecoded = 0,
    Illegal,
    /// <summary>A 32-bit instruction whose second half lies on the next page: decoded on every visit.</summary>
    CrossesPage,

    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw,
    Fence, Ecall, Ebreak, FenceI,
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,
    Mret, Wfi, SfenceVma,
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw,
    LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
    TrpEnter, TrpHidden, TrpPrivate, TrpEarSet, TrpEarClear, TrpRandom, TrpKeyPair, TrpAgree, TrpSign, TrpVerify, TrpMode, TrpAttest, TrpVerifyReport,

    /// <summary>
    /// A jal to its own address (<c>j .</c>, as picolibc's crt0 runs after main returns): executed as
    /// jal, then the run loop asks whether any interrupt could ever leave the loop. Told apart at
    /// decode time so no other jump pays for the check.
    /// </summary>
    JalSelf,
}

/// <summary>One predecoded instruction slot (16 bytes). Writes to x0 are redirected to a sink register.</summary>
internal struct DecodedOp
{
    public ExecOp Op;
    public byte Rd;
    public byte Rs1;
    public byte Rs2;
    public byte Length;
    public long Imm;

    /// <summary>Index of the sink register that absorbs writes to x0.</summary>
    public const byte ZeroSink = 32;

    private static readonly ExecOp[] FromIsa = BuildMap();

    private static ExecOp[] BuildMap()
    {
        var map = new ExecOp[Enum.GetValues<Isa.Op>().Length];
        foreach (Isa.Op op in Enum.GetValues<Isa.Op>())
            map[(int)op] = op == Isa.Op.Illegal ? ExecOp.Illegal : Enum.TryParse(op.ToString(), out ExecOp e) ? e : ExecOp.Illegal;
        return map;
    }

    public static DecodedOp From(in Isa.DecodedInstruction d)
    {
        var op = FromIsa[(int)d.Op];
        if (op == ExecOp.Illegal && d.IsLegal)
            throw new InvalidOperationException($"{d.Op} has no executor operation");
        if (op == ExecOp.Jal && d.Imm == 0) op = ExecOp.JalSelf;
        return new DecodedOp
        {
            Op = op,
            Rd = d.Rd == 0 ? ZeroSink : d.Rd,
            Rs1 = d.Rs1,
            Rs2 = d.Rs2,
            Length = d.Length,
            Imm = op == ExecOp.Illegal ? d.Raw : d.Imm,
        };
    }
}
