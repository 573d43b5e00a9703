using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Loads and stores of every width (unprivileged spec 2.6 and 4.3): sign and zero extension,
/// negative offsets, and stores that touch exactly their own bytes.
/// </summary>
public class Rv64iLoadStoreTests
{
    // Little-endian bytes at DataBase: 10 32 54 76 98 ba dc fe  ef cd ab 89 67 45 23 01
    private const ulong Low = 0xFEDC_BA98_7654_3210, High = 0x0123_4567_89AB_CDEF;

    [Theory]
    [InlineData("lb", 0, 0, 0x10UL)]
    [InlineData("lb", 0, 4, 0xFFFF_FFFF_FFFF_FF98UL)]
    [InlineData("lb", 0, 15, 0x01UL)]
    [InlineData("lbu", 0, 4, 0x98UL)]
    [InlineData("lbu", 0, 7, 0xFEUL)]
    [InlineData("lh", 0, 0, 0x3210UL)]
    [InlineData("lh", 0, 4, 0xFFFF_FFFF_FFFF_BA98UL)]
    [InlineData("lh", 0, 14, 0x0123UL)]
    [InlineData("lhu", 0, 4, 0xBA98UL)]
    [InlineData("lhu", 0, 6, 0xFEDCUL)]
    [InlineData("lw", 0, 0, 0x7654_3210UL)]
    [InlineData("lw", 0, 4, 0xFFFF_FFFF_FEDC_BA98UL)]
    [InlineData("lw", 0, 8, 0xFFFF_FFFF_89AB_CDEFUL)]
    [InlineData("lw", 0, 12, 0x0123_4567UL)]
    [InlineData("lwu", 0, 4, 0xFEDC_BA98UL)]
    [InlineData("lwu", 0, 8, 0x89AB_CDEFUL)]
    [InlineData("ld", 0, 0, Low)]
    [InlineData("ld", 0, 8, High)]
    // Negative offsets from a base register past the data.
    [InlineData("lb", 16, -12, 0xFFFF_FFFF_FFFF_FF98UL)]
    [InlineData("lhu", 16, -10, 0xFEDCUL)]
    [InlineData("lw", 16, -8, 0xFFFF_FFFF_89AB_CDEFUL)]
    [InlineData("ld", 16, -16, Low)]
    [InlineData("ld", 2048, -2048, Low)]
    [InlineData("lwu", 2052, -2048, 0xFEDC_BA98UL)]
    public void Loads_extend_as_their_mnemonic_says(string op, int baseOffset, int offset, ulong expected)
    {
        var m = new TestMachine();
        m.WriteU64(TestMachine.DataBase, Low);
        m.WriteU64(TestMachine.DataBase + 8, High);
        m[Reg.A1] = TestMachine.DataBase + (ulong)baseOffset;
        m.Execute($"{op} a0,{offset}(a1)");
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(m[Reg.A0]));
    }

    [Theory]
    [InlineData("sb", 1, 0, 3)]
    [InlineData("sb", 1, 16, -9)]
    [InlineData("sh", 2, 0, 2)]
    [InlineData("sh", 2, 16, -6)]
    [InlineData("sw", 4, 0, 4)]
    [InlineData("sw", 4, 2048, -2044)]
    [InlineData("sd", 8, 0, 8)]
    [InlineData("sd", 8, 24, -16)]
    public void Stores_write_exactly_their_low_bytes(string op, int width, int baseOffset, int offset)
    {
        var m = new TestMachine();
        m.Fill(TestMachine.DataBase, 32, 0xAA);
        m[Reg.A1] = TestMachine.DataBase + (ulong)baseOffset;
        m[Reg.A2] = 0x8877_6655_4433_2211;
        m.Execute($"{op} a2,{offset}(a1)");

        int at = baseOffset + offset;
        var expected = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        for (int i = 0; i < width; i++) expected[at + i] = (byte)(0x11 * (i + 1));
        Assert.Equal(expected, m.ReadBytes(TestMachine.DataBase, 32));
    }

    [Fact]
    public void A_stored_value_loads_back_at_every_width()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m[Reg.A2] = 0xF123_4567_89AB_CDEF;
        m.Execute(
            "sd a2,0(a1)",
            "ld a3,0(a1)",
            "lw a4,4(a1)",
            "lwu a5,4(a1)",
            "lh a6,6(a1)",
            "lbu a7,7(a1)");
        Assert.Equal(0xF123_4567_89AB_CDEFUL, m[Reg.A3]);
        Assert.Equal(0xFFFF_FFFF_F123_4567UL, m[Reg.A4]);
        Assert.Equal(0xF123_4567UL, m[Reg.A5]);
        Assert.Equal(0xFFFF_FFFF_FFFF_F123UL, m[Reg.A6]);
        Assert.Equal(0xF1UL, m[Reg.A7]);
    }

    [Fact]
    public void A_load_into_its_own_base_register_uses_the_old_base()
    {
        var m = new TestMachine();
        m.WriteU64(TestMachine.DataBase + 8, 0x55);
        m[Reg.A1] = TestMachine.DataBase;
        m.Execute("ld a1,8(a1)");
        Assert.Equal(0x55UL, m[Reg.A1]);
    }

    [Fact]
    public void Repeated_accesses_to_one_page_see_each_others_results()
    {
        // The second and later accesses take the hart's data-TLB fast path.
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m.Execute(
            "addi a2,zero,10",
            "loop:",
            "ld a3,0(a1)",
            "addi a3,a3,3",
            "sd a3,0(a1)",
            "addi a2,a2,-1",
            "bne a2,zero,loop",
            "lw a0,0(a1)");
        Assert.Equal(30UL, m[Reg.A0]);
        Assert.Equal(30UL, m.ReadU64(TestMachine.DataBase));
    }

    [Fact]
    public void Host_writes_to_dram_are_seen_by_later_loads()
    {
        var m = new TestMachine();
        m[Reg.A1] = TestMachine.DataBase;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.WriteU64(TestMachine.DataBase, 1);
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);

        m.WriteU64(TestMachine.DataBase, 2);
        m.Pc = TestMachine.CodeBase;
        m.RunToEcall();
        Assert.Equal(2UL, m[Reg.A0]);
    }
}
