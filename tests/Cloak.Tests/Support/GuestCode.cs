using Cloak.Isa;

namespace Cloak.Tests.Support;

/// <summary>
/// Straight-line machine code built one instruction at a time with <see cref="Assembler"/>, plus the
/// few pseudo-instructions tests need (li, la, the semihosting sequence). Branch targets are
/// absolute addresses: take <see cref="Pc"/> before emitting the instruction to branch back to.
/// </summary>
internal sealed class GuestCode(ulong origin)
{
    private readonly List<byte> _bytes = [];

    public ulong Origin { get; } = origin;
    public ulong Pc => Origin + (ulong)_bytes.Count;

    public byte[] ToArray() => [.. _bytes];

    /// <summary>Assembles one instruction in objdump's no-aliases syntax at the current pc.</summary>
    public GuestCode Emit(string instruction)
    {
        uint bits = Assembler.Assemble(instruction, Pc);
        int length = (bits & 3) == 3 ? 4 : 2;
        for (int i = 0; i < length; i++) _bytes.Add((byte)(bits >> (8 * i)));
        return this;
    }

    /// <summary>rd = value, for any value that fits in 32 signed bits.</summary>
    public GuestCode Li(Reg rd, long value)
    {
        string r = RegNames.Abi((int)rd);
        if (value is >= -2048 and < 2048) return Emit($"addi {r},zero,{value}");
        if (value is < int.MinValue or > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(value), value, "li here takes 32-bit values");
        long upper = (value + 0x800) >> 12, lower = value - (upper << 12);
        Emit($"lui {r},0x{upper & 0xF_FFFF:x}");
        return lower == 0 ? Emit($"addiw {r},{r},0") : Emit($"addiw {r},{r},{lower}");
    }

    /// <summary>rd = address, pc-relative (auipc + addi), so any address within +-2 GiB of the code.</summary>
    public GuestCode La(Reg rd, ulong address)
    {
        string r = RegNames.Abi((int)rd);
        long offset = (long)(address - Pc);
        long upper = (offset + 0x800) >> 12, lower = offset - (upper << 12);
        Emit($"auipc {r},0x{upper & 0xF_FFFF:x}");
        return Emit($"addi {r},{r},{lower}");
    }

    /// <summary>The RISC-V semihosting trap: slli x0,x0,0x1f; ebreak; srai x0,x0,7 (uncompressed).</summary>
    public GuestCode SemihostingCall() => Emit("slli zero,zero,0x1f").Emit("ebreak").Emit("srai zero,zero,0x7");

    /// <summary>An endless loop at the current pc.</summary>
    public GuestCode Spin() => Emit($"jal zero,{Pc:x}");
}
