using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// RVC (unprivileged spec chapter 16): each compressed instruction runs once against the base
/// instruction the spec says it expands to, both from identical random states, and every register
/// and the data memory must agree (the pc advancing by 2 instead of 4). The pairs are written out
/// here from the spec's expansion table, not derived from the decoder under test.
/// </summary>
public class RvcTests
{
    private const ulong Start = TestMachine.CodeBase + 0x1000;
    private const int DataSize = 0x1000;

    [Theory]
    [InlineData("c.addi4spn a0,sp,4", "addi a0,sp,4", null)]
    [InlineData("c.addi4spn s1,sp,1020", "addi s1,sp,1020", null)]
    [InlineData("c.lw a0,0(a5)", "lw a0,0(a5)", "a5")]
    [InlineData("c.lw s0,124(s1)", "lw s0,124(s1)", "s1")]
    [InlineData("c.ld a2,248(a3)", "ld a2,248(a3)", "a3")]
    [InlineData("c.ld a3,8(a3)", "ld a3,8(a3)", "a3")]
    [InlineData("c.sw a4,64(a5)", "sw a4,64(a5)", "a5")]
    [InlineData("c.sd s1,248(s0)", "sd s1,248(s0)", "s0")]
    [InlineData("c.nop", "addi zero,zero,0", null)]
    [InlineData("c.addi a0,-32", "addi a0,a0,-32", null)]
    [InlineData("c.addi t6,31", "addi t6,t6,31", null)]
    [InlineData("c.addiw a0,-1", "addiw a0,a0,-1", null)]
    [InlineData("c.addiw t0,0", "addiw t0,t0,0", null)]
    [InlineData("c.addiw s11,31", "addiw s11,s11,31", null)]
    [InlineData("c.li a0,-32", "addi a0,zero,-32", null)]
    [InlineData("c.li ra,31", "addi ra,zero,31", null)]
    [InlineData("c.addi16sp sp,-512", "addi sp,sp,-512", null)]
    [InlineData("c.addi16sp sp,496", "addi sp,sp,496", null)]
    [InlineData("c.addi16sp sp,16", "addi sp,sp,16", null)]
    [InlineData("c.lui a0,0x1", "lui a0,0x1", null)]
    [InlineData("c.lui s11,0xfffe0", "lui s11,0xfffe0", null)]
    [InlineData("c.lui t0,0x1f", "lui t0,0x1f", null)]
    [InlineData("c.lui ra,0xfffff", "lui ra,0xfffff", null)]
    [InlineData("c.srli a0,0x1", "srli a0,a0,0x1", null)]
    [InlineData("c.srli s1,0x20", "srli s1,s1,0x20", null)]
    [InlineData("c.srli a5,0x3f", "srli a5,a5,0x3f", null)]
    [InlineData("c.srai a0,0x1", "srai a0,a0,0x1", null)]
    [InlineData("c.srai a3,0x20", "srai a3,a3,0x20", null)]
    [InlineData("c.srai s0,0x21", "srai s0,s0,0x21", null)]
    [InlineData("c.srai a4,0x3f", "srai a4,a4,0x3f", null)]
    [InlineData("c.andi a0,-32", "andi a0,a0,-32", null)]
    [InlineData("c.andi a2,31", "andi a2,a2,31", null)]
    [InlineData("c.andi s1,-1", "andi s1,s1,-1", null)]
    [InlineData("c.sub a0,a1", "sub a0,a0,a1", null)]
    [InlineData("c.sub s0,a5", "sub s0,s0,a5", null)]
    [InlineData("c.xor a2,a3", "xor a2,a2,a3", null)]
    [InlineData("c.or s1,a4", "or s1,s1,a4", null)]
    [InlineData("c.and a5,s0", "and a5,a5,s0", null)]
    [InlineData("c.subw a0,a1", "subw a0,a0,a1", null)]
    [InlineData("c.subw a5,a5", "subw a5,a5,a5", null)]
    [InlineData("c.addw s0,a2", "addw s0,s0,a2", null)]
    [InlineData("c.addw a4,a4", "addw a4,a4,a4", null)]
    [InlineData("c.slli a0,0x1", "slli a0,a0,0x1", null)]
    [InlineData("c.slli t3,0x20", "slli t3,t3,0x20", null)]
    [InlineData("c.slli ra,0x3f", "slli ra,ra,0x3f", null)]
    [InlineData("c.lwsp a0,252(sp)", "lw a0,252(sp)", "sp")]
    [InlineData("c.lwsp t6,0(sp)", "lw t6,0(sp)", "sp")]
    [InlineData("c.ldsp ra,504(sp)", "ld ra,504(sp)", "sp")]
    [InlineData("c.ldsp s2,8(sp)", "ld s2,8(sp)", "sp")]
    [InlineData("c.swsp t0,252(sp)", "sw t0,252(sp)", "sp")]
    [InlineData("c.sdsp s11,504(sp)", "sd s11,504(sp)", "sp")]
    [InlineData("c.sdsp sp,0(sp)", "sd sp,0(sp)", "sp")]
    [InlineData("c.mv a0,t6", "add a0,zero,t6", null)]
    [InlineData("c.mv s1,ra", "add s1,zero,ra", null)]
    [InlineData("c.add a0,t6", "add a0,a0,t6", null)]
    [InlineData("c.add sp,sp", "add sp,sp,sp", null)]
    // Hand-encoded parcels (as GCC emits them), to check the bit layout independently of the encoder.
    [InlineData(".2byte 0x1101", "addi sp,sp,-32", null)]
    [InlineData(".2byte 0x7179", "addi sp,sp,-48", null)]
    [InlineData(".2byte 0x6145", "addi sp,sp,48", null)]
    [InlineData(".2byte 0x1000", "addi s0,sp,32", null)]
    [InlineData(".2byte 0xec06", "sd ra,24(sp)", "sp")]
    [InlineData(".2byte 0x60e2", "ld ra,24(sp)", "sp")]
    [InlineData(".2byte 0x4501", "addi a0,zero,0", null)]
    [InlineData(".2byte 0x2501", "addiw a0,a0,0", null)]
    [InlineData(".2byte 0x9101", "srli a0,a0,0x20", null)]
    [InlineData(".2byte 0x9501", "srai a0,a0,0x20", null)]
    [InlineData(".2byte 0x952e", "add a0,a0,a1", null)]
    [InlineData(".2byte 0x8d0d", "sub a0,a0,a1", null)]
    [InlineData(".2byte 0x6505", "lui a0,0x1", null)]
    [InlineData(".2byte 0x7501", "lui a0,0xfffe0", null)]
    public void A_compressed_instruction_behaves_exactly_like_its_expansion(string compressed, string expanded, string? pointer)
    {
        for (int seed = 1; seed <= 4; seed++)
        {
            var c = NewState(seed, pointer);
            var e = NewState(seed, pointer);
            c.Load(Start, compressed);
            e.Load(Start, expanded);
            Assert.Equal(new RunResult(StopReason.InstructionLimit, 1), c.Run(1));
            Assert.Equal(new RunResult(StopReason.InstructionLimit, 1), e.Run(1));

            for (int r = 1; r < 32; r++)
                Assert.True(e.Hart.GetRegister(r) == c.Hart.GetRegister(r),
                    $"seed {seed}: {RegNames.Abi(r)} is 0x{c.Hart.GetRegister(r):x} after {compressed}, 0x{e.Hart.GetRegister(r):x} after {expanded}");
            Assert.Equal(e.ReadBytes(TestMachine.DataBase, DataSize), c.ReadBytes(TestMachine.DataBase, DataSize));
            Assert.Equal(TestMachine.Hex(Start + 2), TestMachine.Hex(c.Pc));
            Assert.Equal(TestMachine.Hex(Start + 4), TestMachine.Hex(e.Pc));
        }
    }

    /// <summary>Random registers and data; the named register (if any) points into the data area.</summary>
    private static TestMachine NewState(int seed, string? pointer)
    {
        var m = new TestMachine();
        var random = new Random(seed);
        for (int r = 1; r < 32; r++)
        {
            ulong value = (ulong)random.NextInt64() ^ (ulong)random.NextInt64() << 1;
            // Half the states use small values so sign-sensitive results get both signs.
            if (seed % 2 == 0) value = (ulong)(long)(short)value;
            m.Hart.SetRegister(r, value);
        }
        var data = new byte[DataSize];
        random.NextBytes(data);
        m.Dram.Write(TestMachine.DataBase, data);
        if (pointer is not null && RegNames.TryParse(pointer, out int index))
            m.Hart.SetRegister(index, TestMachine.DataBase + 8 * (ulong)random.Next(0, 64));
        m.Pc = Start;
        return m;
    }

    // ---- control transfer -------------------------------------------------------------------

    [Theory]
    [InlineData("c.j 80001400", "jal zero,80001400", 0x8000_1400UL)]
    [InlineData("c.j 800017fe", "jal zero,800017fe", 0x8000_17FEUL)] // +2046, the farthest forward
    [InlineData("c.j 80000800", "jal zero,80000800", 0x8000_0800UL)] // -2048, the farthest back
    [InlineData("c.j 80001000", "jal zero,80001000", 0x8000_1000UL)] // jump to itself
    public void C_j_jumps_without_linking(string compressed, string expanded, ulong target)
    {
        var c = NewState(1, null);
        var e = NewState(1, null);
        c.Load(Start, compressed);
        e.Load(Start, expanded);
        c.Run(1);
        e.Run(1);
        Assert.Equal(TestMachine.Hex(target), TestMachine.Hex(c.Pc));
        Assert.Equal(TestMachine.Hex(target), TestMachine.Hex(e.Pc));
        for (int r = 1; r < 32; r++) Assert.Equal(e.Hart.GetRegister(r), c.Hart.GetRegister(r));
    }

    [Theory]
    [InlineData("c.beqz a0,800010fe", 0UL, 0x8000_10FEUL)] // +254
    [InlineData("c.beqz a0,80000f00", 0UL, 0x8000_0F00UL)] // -256
    [InlineData("c.beqz a0,800010fe", 1UL, Start + 2)]
    [InlineData("c.beqz s1,80001010", 0x8000_0000_0000_0000UL, Start + 2)]
    [InlineData("c.bnez a0,800010fe", 1UL, 0x8000_10FEUL)]
    [InlineData("c.bnez a5,80000f00", 0x8000_0000_0000_0000UL, 0x8000_0F00UL)]
    [InlineData("c.bnez a0,800010fe", 0UL, Start + 2)]
    public void C_beqz_and_c_bnez_test_one_register_against_zero(string instruction, ulong value, ulong nextPc)
    {
        var m = NewState(1, null);
        string register = instruction.Split(' ')[1].Split(',')[0];
        Assert.True(RegNames.TryParse(register, out int index));
        m.Hart.SetRegister(index, value);
        m.Load(Start, instruction);
        m.Run(1);
        Assert.Equal(TestMachine.Hex(nextPc), TestMachine.Hex(m.Pc));
    }

    [Fact]
    public void C_jr_jumps_to_the_register_without_linking()
    {
        var m = NewState(1, null);
        ulong ra = m[Reg.Ra];
        m[Reg.A5] = TestMachine.CodeBase + 0x202;
        m.Load(Start, "c.jr a5");
        m.Run(1);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 0x202), TestMachine.Hex(m.Pc));
        Assert.Equal(ra, m[Reg.Ra]);
    }

    [Fact]
    public void C_jalr_links_the_address_two_bytes_on()
    {
        var m = NewState(1, null);
        m[Reg.A5] = TestMachine.CodeBase + 0x203; // bit 0 is cleared, as for jalr
        m.Load(Start, "c.jalr a5");
        m.Run(1);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 0x202), TestMachine.Hex(m.Pc));
        Assert.Equal(TestMachine.Hex(Start + 2), TestMachine.Hex(m[Reg.Ra]));
    }

    [Fact]
    public void C_jalr_through_ra_jumps_to_the_old_ra()
    {
        var m = NewState(1, null);
        m[Reg.Ra] = TestMachine.CodeBase + 0x300;
        m.Load(Start, "c.jalr ra");
        m.Run(1);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 0x300), TestMachine.Hex(m.Pc));
        Assert.Equal(TestMachine.Hex(Start + 2), TestMachine.Hex(m[Reg.Ra]));
    }

    [Fact]
    public void C_ebreak_raises_a_breakpoint_at_its_own_address_with_zero_tval()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "c.nop", "c.ebreak");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 2);
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void Compressed_and_full_instructions_mix_at_halfword_alignment()
    {
        var m = new TestMachine();
        m.Execute(
            "c.li a0,1",
            "addi a0,a0,2",      // at +2: a 32-bit instruction on a halfword boundary
            "c.addi a0,4",
            "c.addi a0,8",
            "addi a0,a0,16",
            "c.slli a0,0x1");
        Assert.Equal(62UL, m[Reg.A0]);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + 16), TestMachine.Hex(m.Hart.Mepc));
    }

    [Fact]
    public void In_rv64_the_c_jal_encoding_is_c_addiw()
    {
        // 0x2xx1 is c.jal in RV32C but c.addiw in RV64C.
        var m = new TestMachine();
        m[Reg.A0] = 0x7FFF_FFFF;
        m.Execute(".2byte 0x2505"); // c.addiw a0,1
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.Ra]);
    }

    // ---- reserved encodings -----------------------------------------------------------------

    [Theory]
    [InlineData(0x0000u)] // all zeros: c.addi4spn with nzuimm = 0, defined illegal
    [InlineData(0x0004u)] // c.addi4spn with nzuimm = 0 and rd' = s1: reserved
    [InlineData(0x2000u)] // c.fld (no D extension)
    [InlineData(0x8000u)] // quadrant 0, funct3 100: reserved
    [InlineData(0xA000u)] // c.fsd
    [InlineData(0x2001u)] // c.addiw with rd = x0: reserved
    [InlineData(0x6101u)] // c.addi16sp with nzimm = 0: reserved
    [InlineData(0x6501u)] // c.lui with nzimm = 0: reserved
    [InlineData(0x6001u)] // c.lui x0 with nzimm = 0: reserved, not a HINT
    [InlineData(0x9C41u)] // quadrant 1 funct6 100111, funct2 10: reserved
    [InlineData(0x9C61u)] // quadrant 1 funct6 100111, funct2 11: reserved
    [InlineData(0x2002u)] // c.fldsp
    [InlineData(0x4002u)] // c.lwsp with rd = x0: reserved
    [InlineData(0x6002u)] // c.ldsp with rd = x0: reserved
    [InlineData(0x8002u)] // c.jr with rs1 = x0: reserved
    [InlineData(0xA002u)] // c.fsdsp
    public void Reserved_compressed_encodings_raise_illegal_instruction_with_the_parcel_in_mtval(uint parcel)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "c.nop", $".2byte 0x{parcel:x4}", "c.nop");
        // The parcel after it is nonzero so mtval cannot pick up extra bits by accident.
        m.Dram.Write(TestMachine.CodeBase + 4, [0xFF, 0xFF]);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: parcel, epc: TestMachine.CodeBase + 2);
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
    }

    // ---- HINTs ------------------------------------------------------------------------------

    [Theory]
    [InlineData(0x0005u)] // c.nop with nzimm != 0
    [InlineData(0x107Du)] // c.addi x0,-1
    [InlineData(0x0501u)] // c.addi a0,0
    [InlineData(0x4015u)] // c.li x0,5
    [InlineData(0x6005u)] // c.lui x0,0x1
    [InlineData(0x802Au)] // c.mv x0,a0
    [InlineData(0x902Au)] // c.add x0,a0
    [InlineData(0x0006u)] // c.slli x0,0x1
    [InlineData(0x0502u)] // c.slli a0,0x0
    [InlineData(0x8101u)] // c.srli a0,0x0
    [InlineData(0x8501u)] // c.srai a0,0x0
    public void Compressed_hints_execute_as_no_ops(uint parcel)
    {
        // RVC spec, "HINT instructions": these encodings are legal and change no architectural state.
        var m = NewState(3, null);
        var before = Enumerable.Range(0, 32).Select(r => m.Hart.GetRegister(r)).ToArray();
        m.Load(Start, $".2byte 0x{parcel:x4}");
        Assert.Equal(new RunResult(StopReason.InstructionLimit, 1), m.Run(1));
        Assert.Equal(before, Enumerable.Range(0, 32).Select(r => m.Hart.GetRegister(r)).ToArray());
        Assert.Equal(Start + 2, m.Pc);
    }
}
