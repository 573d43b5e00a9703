using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Physical memory protection (privileged spec 3.7): the CSRs' WARL behaviour with 16 entries and
/// 4-byte granularity, address matching (OFF, TOR, NA4, NAPOT), priority and partial matches, the
/// lock bit, the default rule, MPRV, the page-table walk's accesses, and changes that must reach
/// accesses whose translation the TLBs already hold.
/// </summary>
public class PmpTests
{
    private const ulong R = 1, W = 2, X = 4, Tor = 1 << 3, Na4 = 2 << 3, Napot = 3 << 3, Lock = 0x80;
    private const ulong Data = TestMachine.DataBase;

    /// <summary>pmpaddr for a naturally aligned power-of-two region of at least 8 bytes.</summary>
    private static ulong NapotAddress(ulong start, ulong size) => (start >> 2) | ((size >> 3) - 1);

    /// <summary>Sets pmpaddr<paramref name="entry"/> and the entry's byte of pmpcfg0/pmpcfg2 (host writes, with M-mode rights).</summary>
    private static void SetEntry(TestMachine m, int entry, ulong address, ulong config)
    {
        m.SetCsr(CsrAddress.Pmpaddr0 + entry, address);
        int register = CsrAddress.Pmpcfg0 + entry / 8 * 2, shift = entry % 8 * 8;
        m.SetCsr(register, (m.Csr(register) & ~(0xFFUL << shift)) | config << shift);
    }

    /// <summary>
    /// A machine without the boot firmware's catch-all entry: entry 15 lets U-mode execute the first
    /// 64 KiB of RAM (the code) and nothing else; the test adds entries below it.
    /// </summary>
    private static TestMachine UserMachine()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 15, NapotAddress(TestMachine.CodeBase, 0x1_0000), Napot | X);
        m.EnterUserMode(TestMachine.CodeBase);
        return m;
    }

    // ---- the CSRs -----------------------------------------------------------------------------

    [Fact]
    public void Sixteen_pmpaddr_registers_hold_what_is_written_and_the_others_read_zero()
    {
        var m = new TestMachine(openPmp: false);
        for (int i = 0; i < 64; i++) m.SetCsr(CsrAddress.Pmpaddr0 + i, 0x1000UL + (ulong)i);
        for (int i = 0; i < 64; i++)
            Assert.Equal(i < 16 ? 0x1000UL + (ulong)i : 0, m.Csr(CsrAddress.Pmpaddr0 + i));
    }

    [Fact]
    public void Pmpcfg0_and_pmpcfg2_hold_the_sixteen_entries_and_the_higher_even_registers_read_zero()
    {
        var m = new TestMachine(openPmp: false);
        m.SetCsr(CsrAddress.Pmpcfg0, 0x0F0D_0B09_0705_0301);
        m.SetCsr(CsrAddress.Pmpcfg0 + 2, 0x1F1D_1B19_1715_1311);
        m.SetCsr(CsrAddress.Pmpcfg0 + 4, 0x0707);
        m.SetCsr(CsrAddress.Pmpcfg0 + 14, 0x0707);
        Assert.Equal(TestMachine.Hex(0x0F0D_0B09_0705_0301), TestMachine.Hex(m.Csr(CsrAddress.Pmpcfg0)));
        Assert.Equal(TestMachine.Hex(0x1F1D_1B19_1715_1311), TestMachine.Hex(m.Csr(CsrAddress.Pmpcfg0 + 2)));
        Assert.Equal(0UL, m.Csr(CsrAddress.Pmpcfg0 + 4));
        Assert.Equal(0UL, m.Csr(CsrAddress.Pmpcfg0 + 14));
    }

    [Theory]
    [InlineData("csrrs a0,pmpcfg1,zero")]
    [InlineData("csrrw zero,pmpcfg3,a1")]
    [InlineData("csrrs a0,pmpcfg15,zero")]
    public void The_odd_pmpcfg_registers_do_not_exist_on_RV64(string instruction)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: TestMachine.Encode(instruction), epc: TestMachine.CodeBase);
    }

    [Fact]
    public void Pmpaddr_keeps_physical_address_bits_55_to_2_so_all_ones_reads_back_as_54_ones()
    {
        var m = new TestMachine(openPmp: false);
        m.SetCsr(CsrAddress.Pmpaddr0, ulong.MaxValue);
        Assert.Equal(TestMachine.Hex(0x003F_FFFF_FFFF_FFFF), TestMachine.Hex(m.Csr(CsrAddress.Pmpaddr0)));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(Tor)]
    [InlineData(Na4)]
    [InlineData(Napot)]
    public void With_a_granularity_of_four_bytes_pmpaddr_reads_back_as_written_in_every_matching_mode(ulong mode)
    {
        // Software finds G from the lowest set bit after writing all ones with the entry off: bit 0 here.
        var m = new TestMachine(openPmp: false);
        m.SetCsr(CsrAddress.Pmpaddr0, 0x2000_0FFF);
        m.SetCsr(CsrAddress.Pmpcfg0, mode);
        Assert.Equal(TestMachine.Hex(0x2000_0FFF), TestMachine.Hex(m.Csr(CsrAddress.Pmpaddr0)));
    }

    [Theory]
    [InlineData(0x60UL, 0x00UL)] // bits 6:5 are reserved: read zero
    [InlineData(0x02UL, 0x00UL)] // R = 0, W = 1 is reserved: W is dropped
    [InlineData(0x06UL, 0x04UL)]
    [InlineData(0x03UL, 0x03UL)]
    [InlineData(0x9FUL, 0x9FUL)] // L, NAPOT, X W R: kept
    public void A_pmpcfg_byte_keeps_only_legal_values(ulong written, ulong read)
    {
        var m = new TestMachine(openPmp: false);
        m.SetCsr(CsrAddress.Pmpcfg0 + 2, written << 8);
        Assert.Equal(TestMachine.Hex(read << 8), TestMachine.Hex(m.Csr(CsrAddress.Pmpcfg0 + 2)));
    }

    // ---- the default rule and address matching --------------------------------------------------

    [Fact]
    public void An_access_no_entry_matches_fails_in_U_mode_and_succeeds_in_M_mode()
    {
        var m = new TestMachine(openPmp: false);
        m.WriteU64(Data, 42);
        m[Reg.A1] = Data;
        m.Execute("ld a0,0(a1)");
        Assert.Equal(42UL, m[Reg.A0]);

        var u = new TestMachine(openPmp: false);
        u.Load(TestMachine.CodeBase, "addi a0,zero,1");
        u.EnterUserMode(TestMachine.CodeBase);
        // Even the first fetch fails: no entry is active, and entries are implemented.
        u.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: TestMachine.CodeBase, epc: TestMachine.CodeBase);
    }

    [Theory]
    [InlineData("ld a0,0(a1)", R, true)]
    [InlineData("ld a0,0(a1)", W | X, false)]
    [InlineData("sd a0,0(a1)", R | W, true)]
    [InlineData("sd a0,0(a1)", R | X, false)]
    [InlineData("amoadd.d a0,a0,(a1)", R | W, true)]
    [InlineData("amoadd.d a0,a0,(a1)", R, false)]
    [InlineData("lr.d a0,(a1)", R, true)]
    public void A_NAPOT_entry_gives_U_mode_loads_and_stores_its_rights(string instruction, ulong rights, bool allowed)
    {
        var m = UserMachine();
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot | rights);
        m[Reg.A1] = Data + 8;
        m.Load(TestMachine.CodeBase, instruction, "ecall");
        if (allowed)
        {
            m.RunToEcall();
            return;
        }
        var cause = instruction.StartsWith("ld", StringComparison.Ordinal) || instruction.StartsWith("lr", StringComparison.Ordinal)
            ? TrapCause.LoadAccessFault : TrapCause.StoreAccessFault;
        m.RunExpectingTrap(cause, tval: Data + 8, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void Code_without_X_in_its_entry_cannot_be_fetched_from_U_mode()
    {
        var m = UserMachine();
        SetEntry(m, 0, NapotAddress(TestMachine.CodeBase, 0x1000), Napot | R | W);
        m.Load(TestMachine.CodeBase, "ecall");
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: TestMachine.CodeBase, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void A_TOR_entry_covers_from_the_previous_pmpaddr_up_to_but_not_including_its_own()
    {
        var m = UserMachine();
        SetEntry(m, 0, (Data + 0x100) >> 2, 0);          // off: only the bottom of entry 1
        SetEntry(m, 1, (Data + 0x200) >> 2, Tor | R);
        m[Reg.A1] = Data + 0x100;
        m[Reg.A2] = Data + 0x1F8;
        m[Reg.A3] = Data + 0x200;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ld a0,0(a2)", "ld a0,0(a3)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data + 0x200, epc: TestMachine.CodeBase + 8);
    }

    [Fact]
    public void A_TOR_entry_whose_top_is_not_above_its_bottom_matches_nothing()
    {
        var m = UserMachine();
        SetEntry(m, 0, Data >> 2, 0);
        SetEntry(m, 1, Data >> 2, Tor | R | W);
        SetEntry(m, 2, NapotAddress(Data, 0x1000), Napot | R);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a0,0(a1)", "ecall");
        // Entry 1 is empty, so entry 2 (read only) decides.
        m.RunExpectingTrap(TrapCause.StoreAccessFault, tval: Data, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void A_TOR_entry_zero_starts_at_address_zero()
    {
        var m = UserMachine();
        SetEntry(m, 0, (Data + 0x10) >> 2, Tor | R | X); // the code below Data too
        m[Reg.A1] = Data + 8;
        m[Reg.A2] = Data + 0x10;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ld a0,0(a2)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data + 0x10, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void An_NA4_entry_covers_exactly_four_bytes()
    {
        var m = UserMachine();
        SetEntry(m, 0, (Data + 0x40) >> 2, Na4 | R);
        m[Reg.A1] = Data + 0x40;
        m.Load(TestMachine.CodeBase, "lw a0,0(a1)", "lbu a0,3(a1)", "lbu a0,4(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data + 0x44, epc: TestMachine.CodeBase + 8);
    }

    [Theory]
    [InlineData(8UL)]
    [InlineData(16UL)]
    [InlineData(0x1000UL)]
    [InlineData(0x1_0000UL)]
    public void A_NAPOT_entry_covers_exactly_its_naturally_aligned_power_of_two(ulong size)
    {
        ulong start = Data & ~(size - 1);
        var m = UserMachine();
        SetEntry(m, 0, NapotAddress(start, size), Napot | R);
        m[Reg.A1] = start + size - 1;
        m[Reg.A2] = start + size;
        m.Load(TestMachine.CodeBase, "lbu a0,0(a1)", "lbu a0,0(a2)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: start + size, epc: TestMachine.CodeBase + 4);
    }

    [Fact]
    public void The_lowest_numbered_entry_that_matches_decides()
    {
        var m = UserMachine();
        SetEntry(m, 0, NapotAddress(Data + 0x100, 0x100), Napot | R);
        SetEntry(m, 1, NapotAddress(Data, 0x1000), Napot | R | W);
        m[Reg.A1] = Data + 0x80;
        m[Reg.A2] = Data + 0x180;
        m.Load(TestMachine.CodeBase, "sd a0,0(a1)", "ld a0,0(a2)", "sd a0,0(a2)", "ecall");
        m.RunExpectingTrap(TrapCause.StoreAccessFault, tval: Data + 0x180, epc: TestMachine.CodeBase + 8);
    }

    [Fact]
    public void An_access_that_only_some_bytes_of_an_entry_match_fails_even_in_M_mode()
    {
        // Entry 0 (unlocked, so M-mode ignores its rights) covers [Data, Data + 8); an 8-byte load at
        // Data + 4 reaches past it.
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 8), Napot | R | W | X);
        m[Reg.A1] = Data + 4;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data + 4, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void A_partial_match_fails_even_when_both_entries_allow_the_access()
    {
        var m = UserMachine();
        SetEntry(m, 0, NapotAddress(Data, 8), Napot | R);
        SetEntry(m, 1, NapotAddress(Data, 0x1000), Napot | R);
        m[Reg.A1] = Data + 4;
        m.Load(TestMachine.CodeBase, "lw a0,4(a1)", "ld a0,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data + 4, epc: TestMachine.CodeBase + 4);
    }

    // ---- M-mode, the lock bit and MPRV ------------------------------------------------------------

    [Fact]
    public void An_unlocked_entry_does_not_bind_M_mode()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot);
        m[Reg.A1] = Data;
        m[Reg.A2] = 7;
        m.Execute("sd a2,0(a1)", "ld a0,0(a1)");
        Assert.Equal(7UL, m[Reg.A0]);
    }

    [Fact]
    public void A_locked_entry_binds_M_mode_too()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Lock | Napot | R);
        m.WriteU64(Data, 5);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "sd a0,8(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.StoreAccessFault, tval: Data + 8, epc: TestMachine.CodeBase + 4);
        Assert.Equal(5UL, m[Reg.A0]);
        Assert.Equal(0UL, m.ReadU64(Data + 8));
    }

    [Fact]
    public void A_locked_entry_without_X_stops_M_mode_from_executing_there()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Lock | Napot | R | W);
        m.Load(Data, "ecall");
        m.Load(TestMachine.CodeBase, "jalr zero,0(a1)");
        m[Reg.A1] = Data;
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: Data, epc: Data);
    }

    [Fact]
    public void A_locked_entry_ignores_writes_to_its_pmpcfg_and_pmpaddr_until_reset()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 3, 0x1234, Lock | Na4 | R);
        m[Reg.A1] = 0x1F1F_1F1F;
        m[Reg.A2] = 0x5678;
        m.Execute("csrrw zero,pmpcfg0,a1", "csrrw zero,pmpaddr3,a2");
        Assert.Equal(TestMachine.Hex((Lock | Na4 | R) << 24 | 0x1F1F1F), TestMachine.Hex(m.Csr(CsrAddress.Pmpcfg0)));
        Assert.Equal(0x1234UL, m.Csr(CsrAddress.Pmpaddr0 + 3));

        m.Hart.Reset(TestMachine.CodeBase);
        Assert.Equal(0UL, m.Csr(CsrAddress.Pmpcfg0));
        m.SetCsr(CsrAddress.Pmpaddr0 + 3, 0x5678);
        Assert.Equal(0x5678UL, m.Csr(CsrAddress.Pmpaddr0 + 3));
    }

    [Fact]
    public void A_locked_TOR_entry_also_locks_the_pmpaddr_below_it()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 4, 0x100, 0);
        SetEntry(m, 5, 0x200, Lock | Tor | R);
        SetEntry(m, 6, 0x300, 0);
        m.SetCsr(CsrAddress.Pmpaddr0 + 4, 0x111);
        m.SetCsr(CsrAddress.Pmpaddr0 + 6, 0x333);
        Assert.Equal(0x100UL, m.Csr(CsrAddress.Pmpaddr0 + 4));
        Assert.Equal(0x333UL, m.Csr(CsrAddress.Pmpaddr0 + 6));
    }

    [Fact]
    public void A_locked_entry_that_is_not_TOR_leaves_the_pmpaddr_below_it_writable()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 5, 0x200, Lock | Napot | R);
        m.SetCsr(CsrAddress.Pmpaddr0 + 4, 0x111);
        Assert.Equal(0x111UL, m.Csr(CsrAddress.Pmpaddr0 + 4));
    }

    [Fact]
    public void With_MPRV_and_MPP_U_an_M_mode_load_is_checked_as_a_U_mode_load()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot | W | X); // legalised to X only: no R
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv); // MPP = U
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data, epc: TestMachine.CodeBase);
    }

    // ---- changes reach cached translations -------------------------------------------------------

    [Fact]
    public void Revoking_a_right_stops_the_next_access_to_a_page_the_TLB_already_holds()
    {
        // MPRV with MPP = U makes M-mode loads U-mode loads: the first fills the data TLB, then the
        // program itself takes R away from the entry, and the same load must fault.
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot | R);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m.WriteU64(Data, 9);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ld a2,0(a1)", "csrrw zero,pmpcfg0,zero", "ld a3,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: Data, epc: TestMachine.CodeBase + 12);
        Assert.Equal(9UL, m[Reg.A2]);
    }

    [Fact]
    public void Granting_a_right_lets_the_next_access_through_after_a_fault()
    {
        var m = new TestMachine(openPmp: false);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "sd a1,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.StoreAccessFault, tval: Data);
        SetEntry(m, 0, NapotAddress(Data, 0x1000), Napot | R | W);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMprv);
        m.Pc = TestMachine.CodeBase;
        m.RunToEcall();
        Assert.Equal(Data, m.ReadU64(Data));
    }

    // ---- fetches instruction by instruction ----------------------------------------------------

    [Fact]
    public void U_mode_runs_the_instructions_an_entry_makes_executable_and_faults_at_the_first_outside()
    {
        var m = UserMachine();
        SetEntry(m, 0, TestMachine.CodeBase >> 2, 0);
        SetEntry(m, 1, (TestMachine.CodeBase + 8) >> 2, Tor | X);
        SetEntry(m, 2, NapotAddress(TestMachine.CodeBase, 0x1000), Napot | R); // the rest of the page: no X
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "addi a0,a0,2", "addi a0,a0,4", "ecall");
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: TestMachine.CodeBase + 8, epc: TestMachine.CodeBase + 8);
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void A_32_bit_instruction_whose_upper_half_is_not_executable_faults_at_that_half()
    {
        var m = UserMachine();
        SetEntry(m, 0, TestMachine.CodeBase >> 2, Na4 | X);
        SetEntry(m, 1, NapotAddress(TestMachine.CodeBase, 0x1000), Napot | R);
        m.Load(TestMachine.CodeBase, "c.addi a0,1", "addi a0,a0,2", "ecall");
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: TestMachine.CodeBase + 4, epc: TestMachine.CodeBase + 2);
        Assert.Equal(1UL, m[Reg.A0]);
    }

    // ---- the page-table walk ------------------------------------------------------------------

    [Fact]
    public void A_page_table_that_PMP_does_not_let_U_mode_read_ends_the_walk_in_an_access_fault()
    {
        const ulong codeVa = 0x1_0000, dataVa = 0x2_0000;
        var m = new TestMachine(openPmp: false);
        var tables = m.EnablePaging();
        tables.Map4K(codeVa, TestMachine.CodeBase, Pte.Execute | Pte.User | Pte.Accessed);
        tables.Map4K(dataVa, Data, Pte.Read | Pte.User | Pte.Accessed);
        // The tables are read with S-mode's PMP rights: entry 0 denies them, entry 1 allows the rest of RAM.
        SetEntry(m, 0, NapotAddress(TestMachine.PageTableArea, 0x1_0000), Napot);
        SetEntry(m, 1, NapotAddress(TestMachine.RamBase, TestMachine.DefaultRamSize), Napot | R | W | X);
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m[Reg.A1] = dataVa;
        m.EnterUserMode(codeVa);
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: codeVa, epc: codeVa);

        SetEntry(m, 0, NapotAddress(TestMachine.PageTableArea, 0x1_0000), Napot | R | W);
        m.EnterUserMode(codeVa);
        m.RunToEcall();
    }

    [Fact]
    public void A_page_table_PMP_lets_U_mode_read_but_not_write_cannot_take_the_accessed_bit()
    {
        const ulong codeVa = 0x1_0000, dataVa = 0x2_0000;
        var m = new TestMachine(openPmp: false);
        var tables = m.EnablePaging();
        tables.Map4K(codeVa, TestMachine.CodeBase, Pte.Execute | Pte.User | Pte.Accessed);
        ulong dataPte = tables.Map4K(dataVa, Data, Pte.Read | Pte.User); // A clear: the walk must write it
        SetEntry(m, 0, NapotAddress(TestMachine.PageTableArea, 0x1_0000), Napot | R);
        SetEntry(m, 1, NapotAddress(TestMachine.RamBase, TestMachine.DefaultRamSize), Napot | R | W | X);
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m[Reg.A1] = dataVa;
        m.EnterUserMode(codeVa);
        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: dataVa, epc: codeVa);
        Assert.Equal(0UL, m.ReadU64(dataPte) & Pte.Accessed);
    }

    [Fact]
    public void The_boot_firmware_entry_lets_U_mode_reach_all_of_memory()
    {
        var m = new TestMachine();
        m.WriteU64(Data, 11);
        m[Reg.A1] = Data;
        m.EnterUserMode(TestMachine.CodeBase);
        m.Execute("ld a0,0(a1)", "sd a0,8(a1)");
        Assert.Equal(11UL, m.ReadU64(Data + 8));
    }
}
