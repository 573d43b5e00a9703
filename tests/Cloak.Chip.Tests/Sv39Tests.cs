using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Sv39 translation for U-mode and for M-mode loads and stores under MPRV (privileged spec 4.3 and
/// 4.4): page tables built in DRAM from C#, permission and format faults, A/D updates, superpages,
/// and when changes to the tables become visible.
/// </summary>
public class Sv39Tests
{
    private const ulong CodeVa = 0x1_0000, DataVa = 0x2_0000, OtherPa = TestMachine.DataBase + 0x8000;
    private const ulong Urw = Pte.Read | Pte.Write | Pte.User;

    /// <summary>A machine with code at <see cref="CodeVa"/> (X, U) and data at <see cref="DataVa"/> (R, W, U), in U-mode.</summary>
    private static (TestMachine M, PageTables Tables, ulong CodePte, ulong DataPte) UserMachine(HartOptions? options = null)
    {
        var m = new TestMachine(options);
        var tables = m.EnablePaging();
        ulong codePte = tables.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        ulong dataPte = tables.Map4K(DataVa, TestMachine.DataBase, Urw);
        m.EnterUserMode(CodeVa);
        return (m, tables, codePte, dataPte);
    }

    [Fact]
    public void User_loads_and_stores_go_to_the_physical_page_the_table_names()
    {
        var (m, _, _, _) = UserMachine();
        m.WriteU64(TestMachine.DataBase + 8, 0x1234_5678);
        m[Reg.A1] = DataVa;
        m[Reg.A2] = 0xCAFE;
        m.Execute("ld a0,8(a1)", "sd a2,16(a1)");
        Assert.Equal(0x1234_5678UL, m[Reg.A0]);
        Assert.Equal(0xCAFEUL, m.ReadU64(TestMachine.DataBase + 16));
        m.ExpectTrap(TrapCause.EnvironmentCallFromUMode, epc: CodeVa + 8);
    }

    [Fact]
    public void Code_runs_across_two_virtually_adjacent_pages_that_are_physically_apart()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(CodeVa + 0x1000, OtherPa, Pte.Execute | Pte.User);
        m.Load(TestMachine.CodeBase + 0xFF8, "addi a0,zero,1", "addi a0,a0,2");
        m.Load(OtherPa, "addi a0,a0,4", "ecall");
        m.EnterUserMode(CodeVa + 0xFF8);
        m.RunToEcall();
        Assert.Equal(7UL, m[Reg.A0]);
        m.ExpectTrap(TrapCause.EnvironmentCallFromUMode, epc: CodeVa + 0x1004);
    }

    [Fact]
    public void A_2_mib_superpage_translates_the_low_21_bits_unchanged()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map2M(0x20_0000, TestMachine.RamBase, Urw);
        m.WriteU64(TestMachine.RamBase + 0x4_5678, 0xABCD);
        m[Reg.A1] = 0x20_0000 + 0x4_5678;
        m.Execute("ld a0,0(a1)");
        Assert.Equal(0xABCDUL, m[Reg.A0]);
    }

    [Fact]
    public void A_1_gib_superpage_translates_the_low_30_bits_unchanged()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map1G(0x4000_0000, TestMachine.RamBase, Urw);
        m.WriteU64(TestMachine.RamBase + 0x5_1230, 0xBEEF);
        m[Reg.A1] = 0x4000_0000 + 0x5_1230;
        m.Execute("ld a0,0(a1)");
        Assert.Equal(0xBEEFUL, m[Reg.A0]);
    }

    [Fact]
    public void A_high_canonical_address_translates_through_the_top_of_the_root_table()
    {
        var (m, tables, _, _) = UserMachine();
        const ulong high = 0xFFFF_FFFF_FFFF_E000;
        tables.Map4K(high, TestMachine.DataBase, Urw);
        m.WriteU64(TestMachine.DataBase + 0x10, 77);
        m[Reg.A1] = high;
        m.Execute("ld a0,16(a1)");
        Assert.Equal(77UL, m[Reg.A0]);
    }

    // ---- permission faults ------------------------------------------------------------------

    [Fact]
    public void A_store_to_a_read_only_page_raises_a_store_page_fault_with_the_virtual_address()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        m.WriteU64(TestMachine.DataBase + 8, 5);
        m[Reg.A1] = DataVa + 8;
        m[Reg.A2] = 6;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a2,0(a1)");
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa + 8, epc: CodeVa + 4);
        Assert.Equal(5UL, m[Reg.A0]);
        Assert.Equal(5UL, m.ReadU64(TestMachine.DataBase + 8));
    }

    [Theory]
    [InlineData("amoadd.d a0,a2,(a1)")]
    [InlineData("amoswap.w a0,a2,(a1)")]
    public void An_amo_to_a_read_only_page_raises_a_store_page_fault(string instruction)
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        m.WriteU64(TestMachine.DataBase, 5);
        m[Reg.A1] = DataVa;
        m[Reg.A2] = 1;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa, epc: CodeVa);
        Assert.Equal(5UL, m.ReadU64(TestMachine.DataBase));
    }

    [Fact]
    public void Sc_to_a_read_only_page_after_lr_raises_a_store_page_fault()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "lr.d a0,(a1)", "sc.d a2,a3,(a1)");
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa, epc: CodeVa + 4);
    }

    [Fact]
    public void Fetching_from_a_page_without_execute_raises_an_instruction_page_fault()
    {
        var (m, _, _, _) = UserMachine();
        m.Load(TestMachine.DataBase + 0x40, "addi a0,zero,1", "ecall");
        m[Reg.A1] = DataVa + 0x40;
        m.Load(TestMachine.CodeBase, "jalr ra,0(a1)");
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: DataVa + 0x40, epc: DataVa + 0x40);
        Assert.Equal(CodeVa + 4, m[Reg.Ra]);
        Assert.Equal(0UL, m[Reg.A0]);
    }

    [Fact]
    public void Loading_from_an_execute_only_page_raises_a_load_page_fault()
    {
        var (m, _, _, _) = UserMachine();
        m[Reg.A1] = CodeVa;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: CodeVa, epc: CodeVa);
    }

    [Theory]
    [InlineData("ld a0,0(a1)", TrapCause.LoadPageFault)]
    [InlineData("sd a0,0(a1)", TrapCause.StorePageFault)]
    [InlineData("lr.w a0,(a1)", TrapCause.LoadPageFault)]
    [InlineData("amoor.d a0,a0,(a1)", TrapCause.StorePageFault)]
    public void User_mode_cannot_touch_a_page_without_the_u_bit(string instruction, TrapCause cause)
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.Write | Pte.Accessed | Pte.Dirty);
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(cause, tval: DataVa, epc: CodeVa);
    }

    [Fact]
    public void User_mode_cannot_execute_a_page_without_the_u_bit()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.Read);
        m.Load(TestMachine.CodeBase, "ecall");
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: CodeVa, epc: CodeVa);
    }

    [Theory]
    [InlineData(0x0000_0040_0000_0000UL)] // bit 38 set, bits 63:39 clear
    [InlineData(0x8000_0000_0000_0000UL)]
    [InlineData(0xFFFF_FF80_0000_1000UL)] // bits 63:39 set, bit 38 clear
    [InlineData(0x0000_0080_0000_2000UL)] // bit 39 set
    public void A_non_canonical_address_raises_a_page_fault(ulong va)
    {
        var (m, tables, _, _) = UserMachine();
        // Map what the low 39 bits name, so only the upper bits can make it fail.
        tables.Map4K(va & 0x7F_FFFF_F000, TestMachine.DataBase, Urw);
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: va, epc: CodeVa);
        m.Pc = CodeVa + 4;
        m.Hart.Privilege = Privilege.User;
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: va, epc: CodeVa + 4);
    }

    [Fact]
    public void Jumping_to_a_non_canonical_address_raises_an_instruction_page_fault()
    {
        var (m, _, _, _) = UserMachine();
        const ulong va = 0x0000_0040_0000_1000;
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, "jalr zero,0(a1)");
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: va, epc: va);
    }

    // ---- malformed tables -------------------------------------------------------------------

    [Fact]
    public void A_misaligned_2_mib_superpage_raises_a_page_fault()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map2M(0x20_0000, TestMachine.RamBase + 0x1000, Urw);
        m[Reg.A1] = 0x20_0010;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: 0x20_0010, epc: CodeVa);
    }

    [Fact]
    public void A_misaligned_1_gib_superpage_raises_a_page_fault()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map1G(0x4000_0000, TestMachine.RamBase + 0x20_0000, Urw);
        m[Reg.A1] = 0x4000_0000;
        m.Load(TestMachine.CodeBase, "sd a0,0(a1)");
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: 0x4000_0000, epc: CodeVa);
    }

    [Theory]
    [InlineData(Pte.Read | Pte.Write | Pte.User)]                          // V clear
    [InlineData(Pte.Valid | Pte.Write | Pte.User)]                         // W without R: reserved
    [InlineData(Pte.Valid | Pte.Write | Pte.Execute | Pte.User)]           // W without R: reserved
    [InlineData(Pte.Valid | Pte.Read | Pte.Write | Pte.User | 1UL << 54)]  // reserved bits 63:54
    [InlineData(Pte.Valid | Pte.Read | Pte.Write | Pte.User | 1UL << 63)]  // N: Svnapot is not implemented
    [InlineData(Pte.Valid | Pte.Read | Pte.Write | Pte.User | 1UL << 61)]  // PBMT: Svpbmt is not implemented
    public void A_malformed_leaf_raises_page_faults_for_loads_and_stores(ulong flags)
    {
        var (m, tables, _, _) = UserMachine();
        tables.SetEntry(DataVa, 0, TestMachine.DataBase >> 12 << Pte.PpnShift | flags);
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: DataVa, epc: CodeVa);
        m.Pc = CodeVa + 4;
        m.Hart.Privilege = Privilege.User;
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa, epc: CodeVa + 4);
    }

    [Fact]
    public void A_pointer_entry_at_the_last_level_raises_a_page_fault()
    {
        var (m, tables, _, _) = UserMachine();
        tables.SetEntry(DataVa, 0, Pte.Table(TestMachine.DataBase >> 12));
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: DataVa, epc: CodeVa);
    }

    [Theory]
    [InlineData(Pte.Accessed)]
    [InlineData(Pte.Dirty)]
    [InlineData(Pte.User)]
    public void A_pointer_entry_with_a_d_or_u_set_raises_a_page_fault(ulong reserved)
    {
        // Privileged spec 4.3.1: A, D and U are reserved in non-leaf PTEs; Cloak faults on them, as QEMU does.
        var (m, tables, _, _) = UserMachine();
        const ulong va = 0x4000_0000; // root entry 1, not shared with the code page
        tables.Map4K(va, TestMachine.DataBase, Urw);
        ulong root = tables.EntryAddress(va, 2);
        m.WriteU64(root, m.ReadU64(root) | reserved);
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadPageFault, tval: va, epc: CodeVa);
    }

    [Theory]
    [InlineData("ld a0,0(a1)", TrapCause.LoadAccessFault)]
    [InlineData("sd a0,0(a1)", TrapCause.StoreAccessFault)]
    [InlineData("amoadd.w a0,a0,(a1)", TrapCause.StoreAccessFault)]
    public void A_page_table_outside_dram_raises_an_access_fault(string instruction, TrapCause cause)
    {
        var (m, tables, _, _) = UserMachine();
        const ulong va = 0x40_0000_0000 - 0x4000_0000; // its own root entry, 0xFF
        tables.SetEntry(va, 2, Pte.Table(0x1000_0000 >> 12));
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(cause, tval: va, epc: CodeVa);
    }

    [Fact]
    public void A_root_table_outside_dram_makes_the_fetch_an_instruction_access_fault()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Satp, Sv39.MakeSatp(0x1000_0000 >> 12));
        m.EnterUserMode(CodeVa);
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: CodeVa, epc: CodeVa);
    }

    [Fact]
    public void A_leaf_mapping_memory_outside_dram_gives_access_faults_not_page_faults()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, 0x1000_0000, Urw);
        m[Reg.A1] = DataVa + 8;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: DataVa + 8, epc: CodeVa);
    }

    // ---- accessed and dirty -----------------------------------------------------------------

    [Fact]
    public void A_load_sets_the_accessed_bit_but_not_dirty()
    {
        var (m, tables, _, dataPte) = UserMachine();
        m[Reg.A1] = DataVa;
        m.Execute("ld a0,0(a1)");
        ulong pte = tables.ReadEntry(dataPte);
        Assert.NotEqual(0UL, pte & Pte.Accessed);
        Assert.Equal(0UL, pte & Pte.Dirty);
    }

    [Fact]
    public void A_store_sets_accessed_and_dirty()
    {
        var (m, tables, _, dataPte) = UserMachine();
        m[Reg.A1] = DataVa;
        m.Execute("sd a0,0(a1)");
        ulong pte = tables.ReadEntry(dataPte);
        Assert.NotEqual(0UL, pte & Pte.Accessed);
        Assert.NotEqual(0UL, pte & Pte.Dirty);
    }

    [Fact]
    public void A_store_after_a_load_to_the_same_page_still_sets_dirty()
    {
        var (m, tables, _, dataPte) = UserMachine();
        m[Reg.A1] = DataVa;
        m.Execute("ld a0,0(a1)", "ld a0,8(a1)", "sd a0,16(a1)");
        Assert.NotEqual(0UL, tables.ReadEntry(dataPte) & Pte.Dirty);
    }

    [Fact]
    public void An_amo_sets_accessed_and_dirty()
    {
        var (m, tables, _, dataPte) = UserMachine();
        m[Reg.A1] = DataVa;
        m.Execute("amoadd.d a0,a0,(a1)");
        Assert.Equal(Pte.Accessed | Pte.Dirty, tables.ReadEntry(dataPte) & (Pte.Accessed | Pte.Dirty));
    }

    [Fact]
    public void A_fetch_sets_the_accessed_bit_of_the_code_page()
    {
        var (m, tables, codePte, dataPte) = UserMachine();
        m.Execute("addi a0,zero,1");
        Assert.NotEqual(0UL, tables.ReadEntry(codePte) & Pte.Accessed);
        Assert.Equal(0UL, tables.ReadEntry(codePte) & Pte.Dirty);
        Assert.Equal(0UL, tables.ReadEntry(dataPte) & Pte.Accessed);
    }

    [Fact]
    public void A_faulting_store_does_not_set_dirty()
    {
        var (m, tables, _, dataPte) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "sd a0,0(a1)");
        m.RunExpectingTrap(TrapCause.StorePageFault);
        Assert.Equal(0UL, tables.ReadEntry(dataPte) & Pte.Dirty);
    }

    // ---- machine mode and MPRV --------------------------------------------------------------

    [Fact]
    public void Machine_mode_ignores_satp()
    {
        var (m, _, _, _) = UserMachine();
        m.Hart.Privilege = Privilege.Machine;
        m.Pc = TestMachine.CodeBase;
        m.WriteU64(TestMachine.DataBase, 3);
        m[Reg.A1] = TestMachine.DataBase;
        m.Execute("ld a0,0(a1)");
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void Mprv_with_mpp_user_translates_machine_loads_and_stores_but_not_fetches()
    {
        var (m, _, _, _) = UserMachine();
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv); // MPP = U
        m.WriteU64(TestMachine.DataBase, 0x11);
        m[Reg.A1] = DataVa;
        m[Reg.A3] = TestMachine.DataBase;
        m[Reg.T0] = Hart.MstatusMprv;
        m.Pc = TestMachine.CodeBase;
        // The code sits at its physical address, which the page table does not map: fetches are untranslated.
        m.Execute(
            "ld a0,0(a1)",
            "addi a2,zero,0x22",
            "sd a2,8(a1)",
            "csrrc zero,mstatus,t0",
            "ld a4,0(a3)",
            "ld a5,8(a3)");
        Assert.Equal(0x11UL, m[Reg.A0]);
        Assert.Equal(0x11UL, m[Reg.A4]);
        Assert.Equal(0x22UL, m[Reg.A5]);
        Assert.Equal(0x22UL, m.ReadU64(TestMachine.DataBase + 8));
    }

    [Fact]
    public void Mprv_with_mpp_user_applies_user_permissions()
    {
        var (m, tables, _, _) = UserMachine();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a0,0(a1)");
        m.Pc = TestMachine.CodeBase;
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void Mprv_with_mpp_machine_does_not_translate()
    {
        var (m, _, _, _) = UserMachine();
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv | Hart.MstatusMpp);
        m.WriteU64(TestMachine.DataBase, 0x33);
        m[Reg.A1] = TestMachine.DataBase;
        m.Pc = TestMachine.CodeBase;
        m.Execute("ld a0,0(a1)");
        Assert.Equal(0x33UL, m[Reg.A0]);
    }

    [Fact]
    public void A_trap_that_sets_mpp_to_machine_ends_mprv_translation_for_the_handler()
    {
        // M-mode code loads through MPRV (MPP = U). The ecall's trap entry sets MPP = M, so from then
        // on MPRV no longer translates (privileged spec 3.1.6.3): the handler's load of the same
        // address must read physical memory, not a translation cached before the trap.
        var m = new TestMachine(new HartOptions());
        var tables = m.EnablePaging();
        const ulong va = TestMachine.DataBase + 0x1000; // also a physical DRAM address
        tables.Map4K(va, OtherPa, Urw);
        m.WriteU64(va, 1);
        m.WriteU64(OtherPa, 2);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv); // MPP = U
        m.SetCsr(CsrAddress.Mtvec, TestMachine.CodeBase + 0x100);
        m[Reg.A1] = va;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.Load(TestMachine.CodeBase + 0x100, "ld a2,0(a1)", "csrrw zero,mtvec,zero", "ecall");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal(2UL, m[Reg.A0]);
        Assert.Equal(1UL, m[Reg.A2]);
    }

    [Fact]
    public void Setting_mprv_from_guest_code_takes_effect_for_the_next_load()
    {
        var (m, _, _, _) = UserMachine();
        m.Hart.Privilege = Privilege.Machine;
        m.WriteU64(TestMachine.DataBase, 0x44);
        m[Reg.A1] = DataVa;
        m[Reg.A3] = TestMachine.DataBase;
        m[Reg.T0] = Hart.MstatusMprv;
        m.Pc = TestMachine.CodeBase;
        // Warm the data TLB with the untranslated page first, then switch to translated loads.
        m.Execute("ld a4,0(a3)", "csrrs zero,mstatus,t0", "ld a0,0(a1)");
        Assert.Equal(0x44UL, m[Reg.A0]);
    }

    // ---- when table changes become visible ------------------------------------------------------

    [Fact]
    public void A_changed_pte_takes_effect_after_sfence_vma()
    {
        // M-mode code with MPRV (MPP = U) edits the leaf through a user mapping of the page-table
        // page, so nothing but the sfence.vma can drop the cached translation.
        var (m, tables, _, dataPte) = UserMachine();
        const ulong tableVa = 0x3_0000;
        tables.Map4K(tableVa, dataPte & ~0xFFFUL, Urw);
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m.WriteU64(TestMachine.DataBase, 1);
        m.WriteU64(OtherPa, 2);
        m[Reg.A1] = DataVa;
        m[Reg.T0] = tableVa + (dataPte & 0xFFF);
        m[Reg.T1] = Pte.Leaf(OtherPa >> 12, Urw);
        m.Pc = TestMachine.CodeBase;
        m.Execute("ld a0,0(a1)", "sd t1,0(t0)", "sfence.vma", "ld a2,0(a1)");
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(2UL, m[Reg.A2]);
    }

    [Fact]
    public void Revoking_write_permission_takes_effect_after_sfence_vma()
    {
        var (m, tables, _, _) = UserMachine();
        m[Reg.A1] = DataVa;
        m.Load(TestMachine.CodeBase, "sd a1,0(a1)", "ecall", "sd a1,8(a1)");
        m.RunToEcall();
        tables.Map4K(DataVa, TestMachine.DataBase, Pte.Read | Pte.User);
        // The OS model's sfence: the host flushes as the instruction would.
        m.Hart.FlushTlb();
        m.EnterUserMode(CodeVa + 8);
        m.RunExpectingTrap(TrapCause.StorePageFault, tval: DataVa + 8, epc: CodeVa + 8);
    }

    [Fact]
    public void Writing_satp_switches_to_the_new_tables()
    {
        var (m, tables, _, _) = UserMachine();
        var other = new PageTables(m.Dram, TestMachine.PageTableArea + 0x1_0000);
        other.Map4K(DataVa, OtherPa, Urw);
        m.WriteU64(TestMachine.DataBase, 1);
        m.WriteU64(OtherPa, 2);
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m[Reg.A1] = DataVa;
        m[Reg.T0] = other.Satp;
        m.Pc = TestMachine.CodeBase;
        m.Execute("ld a0,0(a1)", "csrrw t1,satp,t0", "ld a2,0(a1)", "csrrw zero,satp,t1", "ld a3,0(a1)");
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(2UL, m[Reg.A2]);
        Assert.Equal(1UL, m[Reg.A3]);
        Assert.Equal(tables.Satp, m[Reg.T1]);
    }

    [Fact]
    public void Writing_satp_to_bare_turns_translation_off_for_user_mode()
    {
        var (m, _, _, _) = UserMachine();
        m.SetCsr(CsrAddress.Satp, 0);
        m.WriteU64(TestMachine.DataBase, 9);
        m[Reg.A1] = TestMachine.DataBase;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunToEcall();
        Assert.Equal(9UL, m[Reg.A0]);
    }

    [Fact]
    public void A_one_entry_tlb_still_translates_correctly()
    {
        var (m, tables, _, _) = UserMachine(TestMachine.DefaultOptions with { TlbEntries = 1 });
        tables.Map4K(DataVa + 0x1000, OtherPa, Urw);
        m.WriteU64(TestMachine.DataBase, 1);
        m.WriteU64(OtherPa, 100);
        m[Reg.A1] = DataVa;
        m[Reg.A2] = DataVa + 0x1000;
        m.Execute(
            "addi t0,zero,10",
            "loop:",
            "ld t1,0(a1)",
            "add a0,a0,t1",
            "ld t1,0(a2)",
            "add a0,a0,t1",
            "sd a0,8(a1)",
            "addi t0,t0,-1",
            "bne t0,zero,loop");
        Assert.Equal(1010UL, m[Reg.A0]);
        Assert.Equal(1010UL, m.ReadU64(TestMachine.DataBase + 8));
        Assert.True(m.Hart.PageWalks > 20, $"only {m.Hart.PageWalks} walks: the single entry should be evicted constantly");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1 << 17)]
    [InlineData(-4)]
    public void The_tlb_size_must_be_a_power_of_two_up_to_65536(int entries) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestMachine(TestMachine.DefaultOptions with { TlbEntries = entries }));
}
