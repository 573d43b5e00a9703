using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Misaligned loads and stores (unprivileged spec 2.6 leaves them to the execution environment):
/// with <see cref="MisalignedAccessPolicy.Allow"/> they complete, also across pages; with
/// <see cref="MisalignedAccessPolicy.Trap"/> they raise address-misaligned exceptions.
/// </summary>
public class MisalignedAccessTests
{
    private const ulong Value = 0x8182_8384_8586_8788;
    private static readonly HartOptions TrapOptions = TestMachine.DefaultOptions with { MisalignedAccess = MisalignedAccessPolicy.Trap };

    public static TheoryData<int, int> WidthsAndOffsets()
    {
        var data = new TheoryData<int, int>();
        foreach (int width in new[] { 2, 4, 8 })
            for (int offset = 1; offset < width; offset++) data.Add(width, offset);
        return data;
    }

    private static (string Store, string[] Loads) Ops(int width) => width switch
    {
        2 => ("sh", ["lh", "lhu"]),
        4 => ("sw", ["lw", "lwu"]),
        _ => ("sd", ["ld", "ld"]),
    };

    private static ulong Expected(string load) => load switch
    {
        "lh" => 0xFFFF_FFFF_FFFF_8788,
        "lhu" => 0x8788,
        "lw" => 0xFFFF_FFFF_8586_8788,
        "lwu" => 0x8586_8788,
        _ => Value,
    };

    private static void StoreAndLoadBack(TestMachine m, ulong address, int width)
    {
        var (store, loads) = Ops(width);
        m.Fill(address - 16, 48, 0xAA);
        m[Reg.A1] = address;
        m[Reg.A2] = Value;
        m.Execute($"{store} a2,0(a1)", $"{loads[0]} a3,0(a1)", $"{loads[1]} a4,0(a1)");

        Assert.Equal(TestMachine.Hex(Expected(loads[0])), TestMachine.Hex(m[Reg.A3]));
        Assert.Equal(TestMachine.Hex(Expected(loads[1])), TestMachine.Hex(m[Reg.A4]));
        var expected = Enumerable.Repeat((byte)0xAA, 48).ToArray();
        for (int i = 0; i < width; i++) expected[16 + i] = (byte)(Value >> (8 * i));
        Assert.Equal(expected, m.ReadBytes(address - 16, 48));
    }

    [Theory]
    [MemberData(nameof(WidthsAndOffsets))]
    public void Misaligned_accesses_complete_when_allowed(int width, int offset) =>
        StoreAndLoadBack(new TestMachine(), TestMachine.DataBase + 0x100 + (ulong)offset, width);

    [Theory]
    [MemberData(nameof(WidthsAndOffsets))]
    public void Misaligned_accesses_complete_across_a_page_boundary(int width, int bytesBeforeBoundary) =>
        StoreAndLoadBack(new TestMachine(), TestMachine.DataBase + 0x1000 - (ulong)bytesBeforeBoundary, width);

    [Theory]
    [InlineData("lh a0,0(a1)", 1)]
    [InlineData("lhu a0,0(a1)", 3)]
    [InlineData("lw a0,0(a1)", 1)]
    [InlineData("lw a0,0(a1)", 2)]
    [InlineData("lwu a0,0(a1)", 3)]
    [InlineData("ld a0,0(a1)", 1)]
    [InlineData("ld a0,0(a1)", 4)]
    [InlineData("ld a0,0(a1)", 7)]
    [InlineData("c.lw a0,0(a1)", 2)]
    [InlineData("c.ld a0,0(a1)", 4)]
    public void Misaligned_loads_raise_load_address_misaligned_when_the_policy_traps(string instruction, int offset)
    {
        var m = new TestMachine(TrapOptions);
        ulong address = TestMachine.DataBase + (ulong)offset;
        m[Reg.A1] = address;
        m[Reg.A0] = 0x1234;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.LoadAddressMisaligned, tval: address, epc: TestMachine.CodeBase);
        Assert.Equal(0x1234UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("sh a2,0(a1)", 1)]
    [InlineData("sw a2,0(a1)", 2)]
    [InlineData("sw a2,0(a1)", 3)]
    [InlineData("sd a2,0(a1)", 1)]
    [InlineData("sd a2,0(a1)", 4)]
    [InlineData("sd a2,0(a1)", 0xFFC)] // also across a page
    [InlineData("c.sw a2,0(a1)", 1)]
    [InlineData("c.sd a2,0(a1)", 6)]
    public void Misaligned_stores_raise_store_address_misaligned_when_the_policy_traps_and_write_nothing(string instruction, int offset)
    {
        var m = new TestMachine(TrapOptions);
        ulong address = TestMachine.DataBase + (ulong)offset;
        m.Fill(TestMachine.DataBase, 0x1010, 0xAA);
        m[Reg.A1] = address;
        m[Reg.A2] = Value;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.StoreAddressMisaligned, tval: address, epc: TestMachine.CodeBase);
        Assert.All(m.ReadBytes(TestMachine.DataBase, 0x1010), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void Aligned_and_byte_accesses_still_work_when_the_policy_traps()
    {
        var m = new TestMachine(TrapOptions);
        m[Reg.A1] = TestMachine.DataBase;
        m[Reg.A2] = Value;
        m.Execute("sd a2,8(a1)", "lb a3,15(a1)", "sb a2,3(a1)", "lhu a4,2(a1)", "lw a5,12(a1)");
        Assert.Equal(0xFFFF_FFFF_FFFF_FF81UL, m[Reg.A3]);
        Assert.Equal(0x8800UL, m[Reg.A4]);
        Assert.Equal(0xFFFF_FFFF_8182_8384UL, m[Reg.A5]);
    }

    [Fact]
    public void A_misaligned_access_to_a_device_raises_an_access_fault()
    {
        var m = new TestMachine();
        ulong address = TestMachine.ClintBase + Cloak.Chip.Bus.Devices.Clint.MtimeOffset + 1;
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: address);
    }

    [Fact]
    public void A_misaligned_load_running_off_the_end_of_dram_raises_a_load_access_fault()
    {
        var m = new TestMachine();
        ulong address = TestMachine.RamBase + TestMachine.DefaultRamSize - 4;
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, epc: TestMachine.CodeBase);
        Assert.Equal(0UL, m[Reg.A0]);
    }

    // ---- with Sv39: the two halves translate separately ---------------------------------------

    private const ulong CodeVa = 0x1_0000, DataVa = 0x2_0000;

    private static (TestMachine Machine, PageTables Tables) UserMachine()
    {
        var m = new TestMachine();
        var tables = m.EnablePaging();
        tables.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.Write | Pte.User);
        m.EnterUserMode(CodeVa);
        return (m, tables);
    }

    [Fact]
    public void A_misaligned_access_is_split_between_two_discontiguous_physical_pages()
    {
        var (m, tables) = UserMachine();
        const ulong secondPage = TestMachine.DataBase + 0x5000;
        tables.Map4K(DataVa + 0x1000, secondPage, Pte.Read | Pte.Write | Pte.User);
        m[Reg.A1] = DataVa + 0x1000 - 3;
        m[Reg.A2] = Value;
        m.Execute("sd a2,0(a1)", "ld a3,0(a1)");
        Assert.Equal(Value, m[Reg.A3]);
        Assert.Equal(new byte[] { 0x88, 0x87, 0x86 }, m.ReadBytes(TestMachine.DataBase + 0xFFD, 3));
        Assert.Equal(new byte[] { 0x85, 0x84, 0x83, 0x82, 0x81 }, m.ReadBytes(secondPage, 5));
    }

    [Theory]
    [InlineData("sd a2,0(a1)", 4)]
    [InlineData("sw a2,0(a1)", 1)]
    [InlineData("sh a2,0(a1)", 1)]
    public void A_misaligned_store_whose_second_page_is_unmapped_faults_and_writes_nothing(string instruction, int bytesBeforeBoundary)
    {
        var (m, _) = UserMachine();
        ulong va = DataVa + 0x1000 - (ulong)bytesBeforeBoundary;
        m.Fill(TestMachine.DataBase + 0xF00, 0x100, 0xAA);
        m[Reg.A1] = va;
        m[Reg.A2] = Value;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.StorePageFault, epc: CodeVa);
        Assert.All(m.ReadBytes(TestMachine.DataBase + 0xF00, 0x100), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void A_misaligned_store_whose_second_page_is_read_only_faults_and_writes_nothing()
    {
        var (m, tables) = UserMachine();
        tables.Map4K(DataVa + 0x1000, TestMachine.DataBase + 0x1000, Pte.Read | Pte.User);
        m.Fill(TestMachine.DataBase + 0xF00, 0x200, 0xAA);
        m[Reg.A1] = DataVa + 0xFFE;
        m[Reg.A2] = Value;
        m.Load(TestMachine.CodeBase, "sw a2,0(a1)");
        m.RunExpectingTrap(TrapCause.StorePageFault, epc: CodeVa);
        Assert.All(m.ReadBytes(TestMachine.DataBase + 0xF00, 0x200), b => Assert.Equal(0xAA, b));
    }

    // Hart.Memory.cs StoreSlow promises "a fault leaves memory unchanged" for a page-crossing store,
    // but it only checks that both pages translate, not that both reach memory.
    [Fact]
    public void A_misaligned_store_running_off_the_end_of_dram_faults_and_writes_nothing()
    {
        var m = new TestMachine();
        ulong address = TestMachine.RamBase + TestMachine.DefaultRamSize - 4;
        m.Fill(address - 4, 8, 0xAA);
        m[Reg.A1] = address;
        m[Reg.A2] = Value;
        m.Load(TestMachine.CodeBase, "sd a2,0(a1)");
        m.RunExpectingTrap(TrapCause.StoreAccessFault, epc: TestMachine.CodeBase);
        Assert.All(m.ReadBytes(address - 4, 8), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void A_misaligned_store_whose_second_page_maps_outside_dram_faults_and_writes_nothing()
    {
        var (m, tables) = UserMachine();
        tables.Map4K(DataVa + 0x1000, 0x1000_0000, Pte.Read | Pte.Write | Pte.User);
        m.Fill(TestMachine.DataBase + 0xF00, 0x100, 0xAA);
        m[Reg.A1] = DataVa + 0xFFC;
        m[Reg.A2] = Value;
        m.Load(TestMachine.CodeBase, "sd a2,0(a1)");
        m.RunExpectingTrap(TrapCause.StoreAccessFault, epc: CodeVa);
        Assert.All(m.ReadBytes(TestMachine.DataBase + 0xF00, 0x100), b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void A_misaligned_load_whose_second_page_is_unmapped_faults_and_leaves_rd_alone()
    {
        var (m, _) = UserMachine();
        m[Reg.A1] = DataVa + 0xFFC;
        m[Reg.A0] = 0x1234;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, epc: CodeVa);
        Assert.Equal(0x1234UL, m[Reg.A0]);
    }

    // Privileged spec 3.1.16 (mtval): "If mtval is written with a nonzero value when a misaligned load
    // or store causes an access-fault or page-fault exception, then mtval will contain the virtual
    // address of the portion of the access that caused the fault." Here that is the first byte of the
    // unmapped second page. An OS that maps the page named by tval would otherwise map the page that
    // is already present and fault again forever.
    [Theory]
    [InlineData("ld a0,0(a1)", TrapCause.LoadPageFault)]
    [InlineData("sd a2,0(a1)", TrapCause.StorePageFault)]
    public void A_misaligned_access_faulting_on_its_second_page_reports_that_page_in_mtval(string instruction, TrapCause cause)
    {
        var (m, _) = UserMachine();
        m[Reg.A1] = DataVa + 0xFFC;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(cause, tval: DataVa + 0x1000, epc: CodeVa);
    }

    [Fact]
    public void A_misaligned_access_faulting_on_its_first_page_reports_the_original_address()
    {
        var (m, _) = UserMachine();
        ulong va = DataVa - 4; // the page below the data page is unmapped, the one above is mapped
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: va, epc: CodeVa);
    }
}
