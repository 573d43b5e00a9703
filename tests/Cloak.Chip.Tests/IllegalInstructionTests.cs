using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Encodings outside RV64IMAC/Zicsr/Zifencei and the M/U privileged instructions raise an
/// illegal-instruction exception (privileged spec 3.1.15: mtval holds the instruction bits, mepc its
/// address) and change nothing else.
/// </summary>
public class IllegalInstructionTests
{
    [Theory]
    [InlineData(0x0000_000Bu)] // custom-0
    [InlineData(0x0000_002Bu)] // custom-1
    [InlineData(0x0000_0057u)] // OP-V (no vector extension)
    [InlineData(0x0000_006Bu)] // reserved major opcode
    [InlineData(0x0000_0077u)] // reserved major opcode
    [InlineData(0x0000_005Bu)] // custom-2
    [InlineData(0xFFFF_FFFFu)] // all ones
    [InlineData(0x1020_0073u)] // sret: there is no S-mode
    [InlineData(0x0020_0073u)] // uret (the withdrawn N extension)
    [InlineData(0x7B20_0073u)] // dret outside debug mode
    [InlineData(0x0005_2007u)] // flw ft0,0(a0)
    [InlineData(0x0005_3007u)] // fld ft0,0(a0)
    [InlineData(0x0005_2027u)] // fsw ft0,0(a0)
    [InlineData(0x0000_0053u)] // fadd.s ft0,ft0,ft0
    [InlineData(0x0000_0043u)] // fmadd.s
    [InlineData(0xE000_0553u)] // fmv.x.w a0,ft0
    [InlineData(0x0030_2573u)] // csrrs a0,fcsr,zero: no F, so no fcsr
    [InlineData(0x8000_0033u)] // add with funct7 0x40
    [InlineData(0x0200_5033u | 0x0400_0000u)] // srl with funct7 0x03
    [InlineData(0x0000_2063u)] // branch funct3 010
    [InlineData(0x0000_1067u)] // jalr funct3 001
    [InlineData(0x0000_7003u)] // load funct3 111 (no "ldu" in RV64)
    [InlineData(0x0000_4023u)] // store funct3 100
    [InlineData(0x0200_101Bu)] // slliw with shamt[5] set
    [InlineData(0x4200_501Bu)] // sraiw with shamt[5] set
    [InlineData(0x0000_4073u)] // SYSTEM funct3 100
    [InlineData(0x0000_00F3u)] // ecall with rd != 0
    [InlineData(0x0000_002Fu)] // AMO funct3 000 (byte AMOs are Zabha, not implemented)
    [InlineData(0x2800_302Fu)] // AMO funct5 00101
    [InlineData(0x1010_202Fu)] // lr.w with rs2 != 0
    [InlineData(0x0000_203Bu)] // OP-32 funct3 010
    [InlineData(0x0200_003Bu | 0x0000_1000u)] // mulw family funct3 001 ("mulhw" does not exist)
    [InlineData(0x1220_0073u | 0x0000_0080u)] // sfence.vma with rd != 0
    [InlineData(0x0000_301Bu)] // OP-IMM-32 funct3 011
    [InlineData(0x0000_003Fu)] // a 48-bit instruction's first parcel
    [InlineData(0x2200_0073u)] // hfence.vvma: no H extension
    [InlineData(0x1600_0073u)] // sinval.vma: no Svinval
    [InlineData(0x00D0_0073u)] // wrs.nto: no Zawrs
    [InlineData(0x0010_200Fu)] // cbo.clean: no Zicbom
    [InlineData(0x1050_00F3u)] // wfi with rd != 0
    [InlineData(0x3020_8073u)] // mret with rs1 != 0
    public void Undefined_encodings_raise_illegal_instruction_with_the_bits_in_mtval(uint bits)
    {
        var m = new TestMachine();
        m[Reg.A0] = 0x77;
        m.Load(TestMachine.CodeBase, "addi a1,zero,1", $".4byte 0x{bits:x8}", "addi a1,zero,2");
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: bits, epc: TestMachine.CodeBase + 4);
        Assert.Equal(0x77UL, m[Reg.A0]);
        Assert.Equal(1UL, m[Reg.A1]);
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
    }

    [Theory]
    [InlineData("mret")]
    [InlineData("sfence.vma")]
    [InlineData("csrrs a0,mstatus,zero")]
    public void Privileged_instructions_raise_illegal_instruction_in_user_mode_with_their_bits_in_mtval(string instruction)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, instruction);
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: TestMachine.Encode(instruction), epc: TestMachine.CodeBase);
        Assert.Equal(Privilege.Machine, m.Hart.Privilege);
        Assert.Equal(0UL, (m.Hart.Mstatus & Hart.MstatusMpp) >> 11);
    }

    [Fact]
    public void Fence_and_fence_i_are_legal_and_do_nothing_visible()
    {
        var m = new TestMachine();
        m.Execute("fence iorw,iorw", "fence.tso", "fence.i", "fence r,w", ".4byte 0x0100000f", "addi a0,zero,1");
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(6UL, m.Hart.InstructionsRetired); // includes pause (fence w,0), a Zihintpause hint
    }

    [Fact]
    public void Fence_ignores_its_reserved_register_fields()
    {
        // Unprivileged spec 2.7: implementations ignore rd, rs1 and unused fm values of FENCE.
        var m = new TestMachine();
        m.Execute(".4byte 0x0FF5_850F", "addi a0,zero,1"); // fence iorw,iorw with rs1 = a1, rd = a0
        Assert.Equal(1UL, m[Reg.A0]);
    }
}
