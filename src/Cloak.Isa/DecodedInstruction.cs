namespace Cloak.Isa;

/// <summary>
/// An instruction with its operands pulled out and, if compressed, expanded to its base form.
/// <see cref="Op"/> is what executes; <see cref="Info"/> is the table row it came from (null when illegal).
/// Operand conventions: <see cref="Imm"/> carries the CSR number for Zicsr, fm/pred/succ for FENCE and
/// aq/rl (bit 1/bit 0) for atomics; <see cref="Rs1"/> carries zimm for the CSR-immediate forms.
/// </summary>
public readonly record struct DecodedInstruction(
    OpcodeInfo? Info, Op Op, byte Rd, byte Rs1, byte Rs2, long Imm, uint Raw, byte Length)
{
    public bool IsLegal => Info is not null;

    /// <summary>An illegal instruction of the given length; the raw bits are kept for mtval.</summary>
    public static DecodedInstruction Illegal(uint raw, int length) => new(null, Op.Illegal, 0, 0, 0, 0, raw, (byte)length);
}
