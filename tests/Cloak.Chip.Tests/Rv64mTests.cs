using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// RV64M (unprivileged spec chapter 13): products checked against 128-bit arithmetic computed here,
/// and the division corner cases of table 13.1 (division by zero and signed overflow do not trap).
/// </summary>
public class Rv64mTests
{
    private const ulong Max = 0x7FFF_FFFF_FFFF_FFFF, Min = 0x8000_0000_0000_0000, AllOnes = 0xFFFF_FFFF_FFFF_FFFF;

    private static readonly ulong[] Operands =
    [
        0, 1, 2, 3, AllOnes, AllOnes - 1, Max, Min, Min + 1,
        0xFFFF_FFFF, 0x1_0000_0000, 0x8000_0000, 0x1234_5678_9ABC_DEF0, 0xFEDC_BA98_7654_3210,
    ];

    private static ulong Oracle(string op, ulong a, ulong b) => op switch
    {
        "mul" => a * b,
        "mulh" => (ulong)((Int128)(long)a * (long)b >> 64),
        "mulhu" => (ulong)((UInt128)a * b >> 64),
        "mulhsu" => (ulong)((Int128)(long)a * (Int128)b >> 64),
        "mulw" => (ulong)(long)(int)(uint)(a * b),
        _ => throw new ArgumentException(op, nameof(op)),
    };

    [Theory]
    [InlineData("mul")]
    [InlineData("mulh")]
    [InlineData("mulhu")]
    [InlineData("mulhsu")]
    [InlineData("mulw")]
    public void Multiplications_match_128_bit_arithmetic_at_signed_and_unsigned_extremes(string op)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, $"{op} a0,a1,a2", "ecall");
        foreach (ulong a in Operands)
        {
            foreach (ulong b in Operands)
            {
                m.Pc = TestMachine.CodeBase;
                m[Reg.A1] = a;
                m[Reg.A2] = b;
                m.RunToEcall();
                Assert.True(Oracle(op, a, b) == m[Reg.A0],
                    $"{op} 0x{a:x}, 0x{b:x}: expected 0x{Oracle(op, a, b):x}, got 0x{m[Reg.A0]:x}");
            }
        }
    }

    [Fact]
    public void Mulhsu_treats_rs1_as_signed_and_rs2_as_unsigned()
    {
        // -1 x (2^64 - 1) = -(2^64 - 1): high word all ones; swapped it would be 0xFFFF...FFFE.
        Assert.Equal(AllOnes, TestMachine.Compute("mulhsu a0,a1,a2", AllOnes, AllOnes));
        Assert.Equal(AllOnes - 1, TestMachine.Compute("mulhu a0,a1,a2", AllOnes, AllOnes));
        Assert.Equal(0UL, TestMachine.Compute("mulh a0,a1,a2", AllOnes, AllOnes));
    }

    [Fact]
    public void A_product_may_overwrite_one_of_its_sources()
    {
        var m = new TestMachine();
        m[Reg.A0] = Max;
        m[Reg.A1] = 4;
        m.Execute("mulhu a0,a0,a1");
        Assert.Equal(1UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("div", 7UL, 2UL, 3UL)]
    [InlineData("div", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, 0xFFFF_FFFF_FFFF_FFFDUL)] // -7 / 2 = -3: rounds toward zero
    [InlineData("div", 7UL, 0xFFFF_FFFF_FFFF_FFFEUL, 0xFFFF_FFFF_FFFF_FFFDUL)]
    [InlineData("div", 0xFFFF_FFFF_FFFF_FFF9UL, 0xFFFF_FFFF_FFFF_FFFEUL, 3UL)]
    [InlineData("div", 42UL, 0UL, AllOnes)]
    [InlineData("div", Min, 0UL, AllOnes)]
    [InlineData("div", Min, AllOnes, Min)]
    [InlineData("div", Min, 1UL, Min)]
    [InlineData("divu", 42UL, 0UL, AllOnes)]
    [InlineData("divu", 0UL, 0UL, AllOnes)]
    [InlineData("divu", AllOnes, 2UL, Max)]
    [InlineData("divu", Min, AllOnes, 0UL)]
    [InlineData("divu", AllOnes, AllOnes, 1UL)]
    [InlineData("rem", 7UL, 2UL, 1UL)]
    [InlineData("rem", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, AllOnes)] // the remainder takes the dividend's sign
    [InlineData("rem", 7UL, 0xFFFF_FFFF_FFFF_FFFEUL, 1UL)]
    [InlineData("rem", 42UL, 0UL, 42UL)]
    [InlineData("rem", Min, 0UL, Min)]
    [InlineData("rem", Min, AllOnes, 0UL)]
    [InlineData("remu", 42UL, 0UL, 42UL)]
    [InlineData("remu", AllOnes, 10UL, 5UL)]
    [InlineData("remu", Min, AllOnes, Min)]
    [InlineData("remu", 0xFFFF_FFFF_FFFF_FFF9UL, 2UL, 1UL)]
    public void Divisions_follow_the_table_for_zero_and_overflow(string op, ulong a, ulong b, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,a2", a, b)));

    [Theory]
    [InlineData("divw", 0x8000_0000UL, AllOnes, 0xFFFF_FFFF_8000_0000UL)] // INT32_MIN / -1 overflows to INT32_MIN
    [InlineData("divw", 0x1_8000_0000UL, 0xFFFF_FFFFUL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData("divw", 0x1234UL, 0UL, AllOnes)]
    [InlineData("divw", 0x1234UL, 0x1_0000_0000UL, AllOnes)] // only the low word of rs2 counts: zero
    [InlineData("divw", 0x1_0000_0007UL, 2UL, 3UL)]
    [InlineData("divw", 0xFFFF_FFF8UL, 2UL, 0xFFFF_FFFF_FFFF_FFFCUL)] // -8 / 2 = -4, sign-extended
    [InlineData("divw", 0xFFFF_FFF9UL, 2UL, 0xFFFF_FFFF_FFFF_FFFDUL)]
    [InlineData("divuw", 0x1234UL, 0UL, AllOnes)] // 2^32 - 1, sign-extended
    [InlineData("divuw", 0xFFFF_FFFFUL, 1UL, AllOnes)]
    [InlineData("divuw", 0x8000_0000UL, 2UL, 0x4000_0000UL)]
    [InlineData("divuw", 0xFFFF_FFFF_0000_0008UL, 0xFFFF_FFFF_0000_0002UL, 4UL)]
    [InlineData("divuw", 0xFFFF_FFFEUL, 1UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData("remw", 0x8000_0000UL, AllOnes, 0UL)]
    [InlineData("remw", 0x1_8000_0000UL, 0UL, 0xFFFF_FFFF_8000_0000UL)] // dividend's low word, sign-extended
    [InlineData("remw", 0xFFFF_FFF9UL, 2UL, AllOnes)]
    [InlineData("remw", 0x7UL, 0xFFFF_FFFEUL, 1UL)]
    [InlineData("remuw", 0xFFFF_FFFFUL, 0UL, AllOnes)]
    [InlineData("remuw", 0x1_0000_0005UL, 3UL, 2UL)]
    [InlineData("remuw", 0x8000_0001UL, 0x10UL, 1UL)]
    [InlineData("remuw", 0x8000_0001UL, 0x1_0000_0000UL, 0xFFFF_FFFF_8000_0001UL)]
    [InlineData("mulw", 0x7FFF_FFFFUL, 2UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData("mulw", 0x1_0000_0003UL, 0x2_0000_0005UL, 15UL)]
    [InlineData("mulw", 0x1_0000UL, 0x1_0000UL, 0UL)]
    [InlineData("mulw", 0x1_0000UL, 0x8000UL, 0xFFFF_FFFF_8000_0000UL)]
    public void Word_multiply_and_divide_use_the_low_words_and_sign_extend(string op, ulong a, ulong b, ulong expected) =>
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(TestMachine.Compute($"{op} a0,a1,a2", a, b)));

    [Fact]
    public void Division_by_zero_does_not_trap()
    {
        var m = new TestMachine();
        m[Reg.A1] = 5;
        m.Execute("div a0,a1,zero", "divu a2,a1,zero", "rem a3,a1,zero", "remu a4,a1,zero", "divw a5,a1,zero");
        Assert.Equal(AllOnes, m[Reg.A0]);
        Assert.Equal(AllOnes, m[Reg.A2]);
        Assert.Equal(5UL, m[Reg.A3]);
        Assert.Equal(5UL, m[Reg.A4]);
        Assert.Equal(AllOnes, m[Reg.A5]);
        Assert.Equal(5UL, m.Hart.InstructionsRetired);
    }
}
