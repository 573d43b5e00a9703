using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// RV64I integer computational instructions (unprivileged spec 2.4 and 4.2): register-register and
/// register-immediate forms, shifts, and the 32-bit "W" forms that sign-extend their results.
/// Each row runs "op a0,a1,a2" (or the immediate form) with a1 and a2 preset.
/// </summary>
public class Rv64iArithmeticTests
{
    private const ulong Max = 0x7FFF_FFFF_FFFF_FFFF, Min = 0x8000_0000_0000_0000, AllOnes = 0xFFFF_FFFF_FFFF_FFFF;

    [Theory]
    [InlineData("add", 1UL, 2UL, 3UL)]
    [InlineData("add", AllOnes, 1UL, 0UL)]
    [InlineData("add", Max, 1UL, Min)]
    [InlineData("add", Min, Min, 0UL)]
    [InlineData("sub", 3UL, 5UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData("sub", Min, 1UL, Max)]
    [InlineData("sub", 0UL, Min, Min)]
    [InlineData("and", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0x0F00_0F00_0F00_0F00UL)]
    [InlineData("or", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0xFFF0_FFF0_FFF0_FFF0UL)]
    [InlineData("xor", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0xF0F0_F0F0_F0F0_F0F0UL)]
    [InlineData("slt", AllOnes, 1UL, 1UL)]
    [InlineData("slt", 1UL, AllOnes, 0UL)]
    [InlineData("slt", Min, Max, 1UL)]
    [InlineData("slt", Max, Min, 0UL)]
    [InlineData("slt", 5UL, 5UL, 0UL)]
    [InlineData("sltu", AllOnes, 1UL, 0UL)]
    [InlineData("sltu", 1UL, AllOnes, 1UL)]
    [InlineData("sltu", Min, Max, 0UL)]
    [InlineData("sltu", Max, Min, 1UL)]
    [InlineData("sltu", 0UL, 0UL, 0UL)]
    public void Register_register_operations_compute_the_64_bit_result(string op, ulong a, ulong b, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,a2", a, b)));

    [Theory]
    [InlineData("addi", 1UL, 2047, 2048UL)]
    [InlineData("addi", 0UL, -2048, 0xFFFF_FFFF_FFFF_F800UL)]
    [InlineData("addi", AllOnes, 1, 0UL)]
    [InlineData("addi", Max, 1, Min)]
    [InlineData("slti", AllOnes, 0, 1UL)]
    [InlineData("slti", 0UL, -1, 0UL)]
    [InlineData("slti", Min, -2048, 1UL)]
    [InlineData("slti", 2047UL, 2047, 0UL)]
    // sltiu compares against the sign-extended immediate as an unsigned number.
    [InlineData("sltiu", 0xFFFF_FFFF_FFFF_FFFEUL, -1, 1UL)]
    [InlineData("sltiu", AllOnes, -1, 0UL)]
    [InlineData("sltiu", 0UL, 1, 1UL)]
    [InlineData("sltiu", 1UL, 1, 0UL)]
    [InlineData("sltiu", 0x800UL, -2048, 1UL)]
    [InlineData("xori", 0x1234_5678_9ABC_DEF0UL, -1, 0xEDCB_A987_6543_210FUL)]
    [InlineData("xori", 0x0FUL, 0x7FF, 0x7F0UL)]
    [InlineData("ori", 0UL, -2048, 0xFFFF_FFFF_FFFF_F800UL)]
    [InlineData("ori", 0x1_0000_0000UL, 0x7FF, 0x1_0000_07FFUL)]
    [InlineData("andi", AllOnes, -2048, 0xFFFF_FFFF_FFFF_F800UL)]
    [InlineData("andi", AllOnes, 0x7FF, 0x7FFUL)]
    [InlineData("andi", 0x1234_5678_9ABC_DEF0UL, -16, 0x1234_5678_9ABC_DEF0UL)]
    public void Register_immediate_operations_sign_extend_the_12_bit_immediate(string op, ulong a, int imm, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,{imm}", a)));

    [Theory]
    [InlineData("slli", 0UL, 0x8000_0000_0000_0001UL)]
    [InlineData("slli", 31UL, 0x8000_0000UL)]
    [InlineData("slli", 32UL, 0x1_0000_0000UL)]
    [InlineData("slli", 63UL, 0x8000_0000_0000_0000UL)]
    [InlineData("srli", 0UL, 0x8000_0000_0000_0001UL)]
    [InlineData("srli", 31UL, 0x1_0000_0000UL)]
    [InlineData("srli", 32UL, 0x8000_0000UL)]
    [InlineData("srli", 63UL, 1UL)]
    [InlineData("srai", 0UL, 0x8000_0000_0000_0001UL)]
    [InlineData("srai", 31UL, 0xFFFF_FFFF_0000_0000UL)]
    [InlineData("srai", 32UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("srai", 63UL, AllOnes)]
    public void Shift_immediates_use_all_six_bits_of_the_shift_amount(string op, ulong shamt, ulong expected)
    {
        // Source: 0x8000_0000_0000_0001 for right shifts (sign bit and bit 0), 1 for left shifts (0 keeps it).
        ulong source = op == "slli" && shamt != 0 ? 1 : 0x8000_0000_0000_0001;
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,0x{shamt:x}", source)));
    }

    [Theory]
    [InlineData("sll", 0UL, 0x8000_0000_0000_0001UL)]
    [InlineData("sll", 1UL, 0x0000_0000_0000_0002UL)]
    [InlineData("sll", 63UL, 0x8000_0000_0000_0000UL)]
    [InlineData("sll", 64UL, 0x8000_0000_0000_0001UL)]
    [InlineData("sll", 0xFFFF_FFFF_FFFF_FFC1UL, 0x0000_0000_0000_0002UL)]
    [InlineData("srl", 31UL, 0x1_0000_0000UL)]
    [InlineData("srl", 32UL, 0x8000_0000UL)]
    [InlineData("srl", 63UL, 1UL)]
    [InlineData("srl", 0x7FUL, 1UL)]
    [InlineData("srl", 0x100UL, 0x8000_0000_0000_0001UL)]
    [InlineData("sra", 1UL, 0xC000_0000_0000_0000UL)]
    [InlineData("sra", 32UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("sra", 63UL, AllOnes)]
    [InlineData("sra", 0xFFFF_FFFF_FFFF_FFFFUL, AllOnes)]
    [InlineData("sra", 0x40UL, 0x8000_0000_0000_0001UL)]
    public void Register_shifts_use_only_the_low_six_bits_of_rs2(string op, ulong amount, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,a2", 0x8000_0000_0000_0001, amount)));

    [Theory]
    [InlineData("addw", 0x7FFF_FFFFUL, 1UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("addw", 0x1_0000_0001UL, 0x1_0000_0001UL, 2UL)]
    [InlineData("addw", 0xFFFF_FFFFUL, 1UL, 0UL)]
    [InlineData("addw", 0x4000_0000UL, 0x4000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("subw", 0x8000_0000UL, 1UL, 0x7FFF_FFFFUL)]
    [InlineData("subw", 0UL, 1UL, AllOnes)]
    [InlineData("subw", 0x5_0000_0003UL, 0x9_0000_0001UL, 2UL)]
    [InlineData("sllw", 1UL, 31UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("sllw", 1UL, 32UL, 1UL)]
    [InlineData("sllw", 1UL, 33UL, 2UL)]
    [InlineData("sllw", 0xFFFF_FFFF_0000_0001UL, 0UL, 1UL)]
    [InlineData("srlw", 0xFFFF_FFFF_8000_0000UL, 0UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("srlw", 0x8000_0000UL, 31UL, 1UL)]
    [InlineData("srlw", 0x8000_0000UL, 32UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("srlw", 0x1_8000_0000UL, 1UL, 0x4000_0000UL)]
    [InlineData("sraw", 0x8000_0000UL, 31UL, AllOnes)]
    [InlineData("sraw", 0x8000_0000UL, 32UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("sraw", 0x8000_0000UL, 4UL, 0xFFFF_FFFF_F800_0000UL)]
    [InlineData("sraw", 0x1_7FFF_FFFFUL, 63UL, 0UL)]
    public void Word_register_operations_sign_extend_their_32_bit_result(string op, ulong a, ulong b, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,a2", a, b)));

    [Theory]
    [InlineData("addiw a0,a1,1", 0x7FFF_FFFFUL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("addiw a0,a1,0", 0x1_8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("addiw a0,a1,-1", 0UL, AllOnes)]
    [InlineData("addiw a0,a1,-2048", 0x8000_0000UL, 0x7FFF_F800UL)]
    [InlineData("slliw a0,a1,0x0", 0xFFFF_FFFF_7FFF_FFFFUL, 0x7FFF_FFFFUL)]
    [InlineData("slliw a0,a1,0x1f", 1UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("slliw a0,a1,0x4", 0x1000_0001UL, 0x10UL)]
    [InlineData("srliw a0,a1,0x0", 0x8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("srliw a0,a1,0x1", 0xFFFF_FFFF_8000_0000UL, 0x4000_0000UL)]
    [InlineData("srliw a0,a1,0x1f", 0x8000_0000UL, 1UL)]
    [InlineData("sraiw a0,a1,0x0", 0x8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("sraiw a0,a1,0x1f", 0x8000_0000UL, AllOnes)]
    [InlineData("sraiw a0,a1,0x1f", 0xFFFF_FFFF_7FFF_FFFFUL, 0UL)]
    public void Word_immediate_operations_sign_extend_their_32_bit_result(string instruction, ulong a, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute(instruction, a)));

    [Theory]
    [InlineData("lui a0,0x80000", 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("lui a0,0x7ffff", 0x7FFF_F000UL)]
    [InlineData("lui a0,0xfffff", 0xFFFF_FFFF_FFFF_F000UL)]
    [InlineData("lui a0,0x1", 0x1000UL)]
    [InlineData("lui a0,0x0", 0UL)]
    public void Lui_places_the_immediate_in_bits_31_12_and_sign_extends(string instruction, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute(instruction, a1: 0x5555)));

    [Theory]
    [InlineData("auipc a0,0x0", TestMachine.CodeBase)]
    [InlineData("auipc a0,0x1", TestMachine.CodeBase + 0x1000)]
    [InlineData("auipc a0,0x80000", 0UL)] // 0x8000_0000 + sign-extended 0x8000_0000 << 0 wraps to zero
    [InlineData("auipc a0,0xfffff", TestMachine.CodeBase - 0x1000)]
    [InlineData("auipc a0,0x7ffff", TestMachine.CodeBase + 0x7FFF_F000)]
    public void Auipc_adds_the_sign_extended_upper_immediate_to_its_own_pc(string instruction, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute(instruction)));

    [Fact]
    public void Auipc_uses_the_address_of_the_auipc_itself()
    {
        var m = new TestMachine();
        m.Execute("addi zero,zero,0", "c.nop", "auipc a0,0x2");
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 6 + 0x2000), TestMachine.Hex(m[Reg.A0]));
    }

    [Fact]
    public void Writes_to_x0_are_discarded()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m.WriteU64(TestMachine.DataBase, 0x1234);
        m.Execute(
            "addi zero,zero,5",
            "lui zero,0x12345",
            "auipc zero,0x1",
            "ld zero,0(a1)",
            "lw zero,0(a1)",
            "add zero,a1,a1",
            "jal zero,80000020",
            "addi a5,zero,1", // skipped by the jump
            "csrrs zero,mscratch,zero",
            "amoadd.d zero,a1,(a1)",
            "add a0,zero,zero",
            "addi a2,zero,0");
        Assert.Equal(0UL, m.Hart.GetRegister(0));
        Assert.Equal(0UL, m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.A5]);
        // The AMO still wrote memory even though its result went nowhere.
        Assert.Equal(0x1234 + TestMachine.DataBase, m.ReadU64(TestMachine.DataBase));
    }

    [Fact]
    public void The_host_cannot_write_x0_either()
    {
        var m = new TestMachine();
        m.Hart.SetRegister(0, 42);
        Assert.Equal(0UL, m.Hart.GetRegister(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Hart.SetRegister(32, 1));
    }

    [Fact]
    public void An_instruction_may_name_the_same_register_as_source_and_destination()
    {
        var m = new TestMachine();
        m[Reg.A0] = 7;
        m.Execute("add a0,a0,a0", "sub a1,a0,a0", "slt a2,a0,a0", "sltu a3,a1,a0");
        Assert.Equal(14UL, m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.A1]);
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(1UL, m[Reg.A3]);
    }
}
