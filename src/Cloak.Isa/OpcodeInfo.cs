namespace Cloak.Isa;

/// <summary>
/// One row of the opcode table: an instruction matches when <c>(bits &amp; Mask) == Match</c>
/// and its <see cref="Constraints"/> hold. For compressed rows <see cref="Semantic"/> names the base
/// instruction it expands to (RVC spec: "each RVC instruction expands into a single base instruction").
/// </summary>
public sealed record OpcodeInfo(
    Op Op, string Mnemonic, uint Mask, uint Match, Format Format, Extension Extension, Op Semantic, Constraint Constraints)
{
    public bool IsCompressed => Extension == Extension.C;
    public int Length => IsCompressed ? 2 : 4;
    public bool Matches(uint bits) => (bits & Mask) == Match;
    public override string ToString() => Mnemonic;
}
