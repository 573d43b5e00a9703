using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Accesses to physical addresses with nothing behind them, or with a device that refuses the access,
/// raise access faults (privileged spec 3.7.1, PMAs): instruction access fault (1), load access fault
/// (5), store/AMO access fault (7), with the address in mtval.
/// </summary>
public class PhysicalAccessFaultTests
{
    [Theory]
    [InlineData(0x1000UL)]
    [InlineData(0x0UL)]
    [InlineData(TestMachine.ClintBase)]                                  // a device, but not executable memory
    [InlineData(TestMachine.RamBase + TestMachine.DefaultRamSize)]       // just past DRAM
    [InlineData(TestMachine.RamBase - 4)]                                // just before DRAM
    public void Fetching_from_outside_dram_raises_an_instruction_access_fault(ulong target)
    {
        var m = new TestMachine();
        m[Reg.A1] = target;
        m.Load(TestMachine.CodeBase, "jalr ra,0(a1)");
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: target, epc: target);
        Assert.Equal(TestMachine.CodeBase + 4, m[Reg.Ra]);
    }

    [Fact]
    public void Falling_off_the_end_of_dram_raises_an_instruction_access_fault()
    {
        var m = new TestMachine();
        const ulong end = TestMachine.RamBase + TestMachine.DefaultRamSize;
        m.Load(end - 4, "addi a0,zero,1");
        m.Pc = end - 4;
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: end, epc: end);
        Assert.Equal(1UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("lb a0,0(a1)", 0x1000UL)]
    [InlineData("lhu a0,0(a1)", 0x1000UL)]
    [InlineData("lw a0,0(a1)", 0x1000UL)]
    [InlineData("ld a0,0(a1)", 0x1000UL)]
    [InlineData("ld a0,0(a1)", TestMachine.RamBase + TestMachine.DefaultRamSize)]
    [InlineData("lw a0,0(a1)", 0xFFFF_FFFF_FFFF_FFF8UL)]
    [InlineData("lb a0,0(a1)", TestMachine.ClintBase)]          // msip is a 32-bit register
    [InlineData("ld a0,0(a1)", TestMachine.ClintBase + 0x100)]  // nothing at this CLINT offset
    public void Loading_from_nothing_raises_a_load_access_fault(string instruction, ulong address)
    {
        var m = new TestMachine();
        m[Reg.A1] = address;
        m[Reg.A0] = 0x77;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: address, epc: TestMachine.CodeBase);
        Assert.Equal(0x77UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("sb a0,0(a1)", 0x1000UL)]
    [InlineData("sh a0,0(a1)", 0x1000UL)]
    [InlineData("sw a0,0(a1)", 0x1000UL)]
    [InlineData("sd a0,0(a1)", 0x1000UL)]
    [InlineData("sd a0,0(a1)", TestMachine.RamBase + TestMachine.DefaultRamSize)]
    [InlineData("sb a0,0(a1)", TestMachine.ClintBase)]
    [InlineData("sd a0,0(a1)", TestMachine.ClintBase + 0x100)]
    public void Storing_to_nothing_raises_a_store_access_fault(string instruction, ulong address)
    {
        var m = new TestMachine();
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.StoreAccessFault, tval: address, epc: TestMachine.CodeBase);
        Assert.False(m.Clint.SoftwareInterruptPending);
    }

    [Fact]
    public void Address_arithmetic_wraps_around_64_bits()
    {
        var m = new TestMachine();
        m[Reg.A1] = 8;
        m.Load(TestMachine.CodeBase, "ld a0,-16(a1)");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: 0xFFFF_FFFF_FFFF_FFF8, epc: TestMachine.CodeBase);
    }
}
