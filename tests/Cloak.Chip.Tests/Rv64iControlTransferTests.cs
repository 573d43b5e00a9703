using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Conditional branches and unconditional jumps (unprivileged spec 2.5): signed versus unsigned
/// comparisons at their boundaries, link values, and jalr's target rules.
/// </summary>
public class Rv64iControlTransferTests
{
    private const ulong Max = 0x7FFF_FFFF_FFFF_FFFF, Min = 0x8000_0000_0000_0000, AllOnes = 0xFFFF_FFFF_FFFF_FFFF;

    [Theory]
    [InlineData("beq", 5UL, 5UL, true)]
    [InlineData("beq", 5UL, 6UL, false)]
    [InlineData("beq", 0UL, Min, false)]
    [InlineData("bne", 5UL, 6UL, true)]
    [InlineData("bne", AllOnes, AllOnes, false)]
    [InlineData("blt", AllOnes, 0UL, true)]
    [InlineData("blt", 0UL, AllOnes, false)]
    [InlineData("blt", Min, Max, true)]
    [InlineData("blt", Max, Min, false)]
    [InlineData("blt", 7UL, 7UL, false)]
    [InlineData("bge", 7UL, 7UL, true)]
    [InlineData("bge", 0UL, AllOnes, true)]
    [InlineData("bge", AllOnes, 0UL, false)]
    [InlineData("bge", Min, Max, false)]
    [InlineData("bltu", AllOnes, 0UL, false)]
    [InlineData("bltu", 0UL, AllOnes, true)]
    [InlineData("bltu", Min, Max, false)]
    [InlineData("bltu", Max, Min, true)]
    [InlineData("bltu", 7UL, 7UL, false)]
    [InlineData("bgeu", 7UL, 7UL, true)]
    [InlineData("bgeu", AllOnes, 0UL, true)]
    [InlineData("bgeu", 0UL, AllOnes, false)]
    [InlineData("bgeu", Max, Min, false)]
    public void Branches_compare_signed_or_unsigned_as_their_mnemonic_says(string op, ulong a, ulong b, bool taken)
    {
        var m = new TestMachine();
        m[Reg.A1] = a;
        m[Reg.A2] = b;
        m.Execute(
            $"{op} a1,a2,taken",
            "addi a0,zero,1",
            "jal zero,done",
            "taken:",
            "addi a0,zero,2",
            "done:");
        Assert.Equal(taken ? 2UL : 1UL, m[Reg.A0]);
    }

    [Fact]
    public void A_backward_branch_loops()
    {
        var m = new TestMachine();
        m.Execute(
            "addi a1,zero,10",
            "loop:",
            "addi a0,a0,1",
            "bne a0,a1,loop");
        Assert.Equal(10UL, m[Reg.A0]);
    }

    [Fact]
    public void A_branch_reaches_its_farthest_targets()
    {
        // +4094 and -4096 are the ends of the 13-bit signed offset.
        var m = new TestMachine();
        const ulong start = TestMachine.CodeBase + 0x2000;
        m.Load(start, "beq zero,zero,80002ffe");
        m.Load(start + 4094, "beq zero,zero,80001ffe");
        m.Load(start - 2, "c.j 80002400");
        m.Load(start + 0x400, "addi a0,zero,9", "ecall");
        m.Pc = start;
        m.RunToEcall();
        Assert.Equal(9UL, m[Reg.A0]);
        Assert.Equal(TestMachine.Hex(start + 0x404), TestMachine.Hex(m.Hart.Mepc));
    }

    [Fact]
    public void Jal_links_the_address_of_the_next_instruction()
    {
        var m = new TestMachine();
        m.Execute(
            "jal ra,target",
            "addi a0,zero,1", // skipped
            "target:",
            "addi a1,zero,2");
        Assert.Equal(TestMachine.CodeBase + 4, m[Reg.Ra]);
        Assert.Equal(0UL, m[Reg.A0]);
        Assert.Equal(2UL, m[Reg.A1]);
    }

    [Fact]
    public void Jal_reaches_backwards()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi a0,zero,3", "ecall");
        m.Load(TestMachine.CodeBase + 0x800, "jal t0,80000000");
        m.Pc = TestMachine.CodeBase + 0x800;
        m.RunToEcall();
        Assert.Equal(3UL, m[Reg.A0]);
        Assert.Equal(TestMachine.CodeBase + 0x804, m[Reg.T0]);
    }

    [Fact]
    public void Jalr_jumps_to_rs1_plus_offset_and_links()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.CodeBase + 0x100 + 16;
        m.Load(TestMachine.CodeBase, "jalr ra,-16(a1)");
        m.Load(TestMachine.CodeBase + 0x100, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(TestMachine.CodeBase + 4, m[Reg.Ra]);
    }

    [Fact]
    public void Jalr_clears_bit_0_of_the_target()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.CodeBase + 0x100;
        m.Load(TestMachine.CodeBase, "jalr ra,1(a1)");
        m.Load(TestMachine.CodeBase + 0x100, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 0x104), TestMachine.Hex(m.Hart.Mepc));
    }

    [Fact]
    public void Jalr_with_rd_equal_to_rs1_jumps_to_the_old_value()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.CodeBase + 0x100;
        m.Load(TestMachine.CodeBase, "jalr a1,0(a1)");
        m.Load(TestMachine.CodeBase + 0x100, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(TestMachine.CodeBase + 4, m[Reg.A1]);
    }

    [Fact]
    public void Jalr_to_a_halfword_aligned_target_is_fine_with_compressed_instructions()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.CodeBase + 0x102;
        m.Load(TestMachine.CodeBase, "jalr zero,0(a1)");
        m.Load(TestMachine.CodeBase + 0x102, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);
    }
}
