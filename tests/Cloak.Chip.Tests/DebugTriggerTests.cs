using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// The debug trigger CSRs (RISC-V debug specification, Sdtrig) as software probing them sees them on
/// QEMU 7.2 (the values in the CSR tests were read from qemu-system-riscv64 7.2), and triggers that
/// fire: a breakpoint exception before the instruction, load or store they match.
/// </summary>
public class DebugTriggerTests
{
    private const ulong Mcontrol = 2UL << 60, Mcontrol6 = 6UL << 60;
    private const ulong Load = 1, Store = 2, Execute = 4, U = 1 << 3, S = 1 << 4, M = 1 << 6;
    private const ulong Data = TestMachine.DataBase;

    /// <summary>Selects trigger <paramref name="index"/> and arms it on <paramref name="address"/>.</summary>
    private static void Arm(TestMachine m, int index, ulong address, ulong control)
    {
        m.SetCsr(CsrAddress.Tselect, (ulong)index);
        m.SetCsr(CsrAddress.Tdata2, address);
        m.SetCsr(CsrAddress.Tdata1, control);
    }

    // ---- probing ------------------------------------------------------------------------------

    [Fact]
    public void Tinfo_reports_types_2_and_6_for_each_of_the_two_triggers()
    {
        var m = new TestMachine();
        m.Execute("csrrs a0,tinfo,zero", "csrrwi zero,tselect,1", "csrrs a1,tinfo,zero");
        Assert.Equal(0x44UL, m[Reg.A0]);
        Assert.Equal(0x44UL, m[Reg.A1]);
    }

    [Theory]
    [InlineData(1UL, 1UL)]
    [InlineData(2UL, 0UL)]
    [InlineData(3UL, 0UL)]
    [InlineData(ulong.MaxValue, 0UL)]
    public void Tselect_ignores_a_trigger_that_does_not_exist(ulong written, ulong read)
    {
        var m = new TestMachine();
        m[Reg.A1] = written;
        m.Execute("csrrw zero,tselect,a1", "csrrs a0,tselect,zero");
        Assert.Equal(read, m[Reg.A0]);
    }

    [Fact]
    public void Each_trigger_resets_to_an_unarmed_match_control_with_tdata2_and_tdata3_zero()
    {
        var m = new TestMachine();
        m.Execute("csrrs a0,tdata1,zero", "csrrs a1,tdata2,zero", "csrrs a2,tdata3,zero",
            "csrrwi zero,tselect,1", "csrrs a3,tdata1,zero");
        Assert.Equal(TestMachine.Hex(Mcontrol), TestMachine.Hex(m[Reg.A0]));
        Assert.Equal(0UL, m[Reg.A1]);
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(TestMachine.Hex(Mcontrol), TestMachine.Hex(m[Reg.A3]));
    }

    /// <summary>Each row: a value written to tdata1 and what QEMU 7.2 reads back.</summary>
    [Theory]
    [InlineData(0x2000_0000_0000_0044UL, 0x2000_0000_0000_0044UL)] // M, execute
    [InlineData(0x2800_0000_0000_0044UL, 0x2000_0000_0000_0044UL)] // dmode: cleared
    [InlineData(0x2000_0000_07FF_FFFFUL, 0x2000_0000_0000_005FUL)] // only mode, load/store/execute kept
    [InlineData(0x27E0_0000_0000_0044UL, 0x2000_0000_0000_0044UL)] // maskmax: zero
    [InlineData(0x2000_0000_0000_1044UL, 0x2000_0000_0000_0044UL)] // action 1: cleared
    [InlineData(0x2000_0000_0000_00C4UL, 0x2000_0000_0000_0044UL)] // match 1: cleared
    [InlineData(0x2000_0000_0001_0044UL, 0x2000_0000_0001_0044UL)] // sizelo 1 (1 byte)
    [InlineData(0x2000_0000_0003_0044UL, 0x2000_0000_0003_0044UL)] // sizelo 3 (4 bytes)
    [InlineData(0x2000_0000_0020_0044UL, 0x2000_0000_0000_0044UL)] // size 4 (6 bytes): unsupported, dropped
    [InlineData(0x2000_0000_0021_0044UL, 0x2000_0000_0021_0044UL)] // size 5 (8 bytes)
    [InlineData(0x2000_0000_0043_0044UL, 0x2000_0000_0000_0044UL)] // size 11: dropped
    [InlineData(0x2000_0000_0010_0044UL, 0x2000_0000_0000_0044UL)] // hit
    [InlineData(0x2000_0000_0008_0044UL, 0x2000_0000_0000_0044UL)] // select
    [InlineData(0x2000_0000_0004_0044UL, 0x2000_0000_0000_0044UL)] // timing
    [InlineData(0x2000_0000_0000_0844UL, 0x2000_0000_0000_0044UL)] // chain
    [InlineData(0x6000_0000_0000_0044UL, 0x6000_0000_0000_0044UL)] // mcontrol6
    [InlineData(0x6000_0000_FFFF_FFFFUL, 0x6000_0000_0180_005FUL)] // mcontrol6: VS, VU, mode, load/store/execute
    [InlineData(0x6000_0000_0005_0041UL, 0x6000_0000_0005_0041UL)] // mcontrol6 size 5 (8 bytes)
    public void Tdata1_keeps_what_QEMU_7_2_keeps(ulong written, ulong read)
    {
        var m = new TestMachine();
        m[Reg.A1] = written;
        m.Execute("csrrw zero,tdata1,a1", "csrrs a0,tdata1,zero");
        Assert.Equal(TestMachine.Hex(read), TestMachine.Hex(m[Reg.A0]));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(3UL)]
    [InlineData(15UL)]
    public void Tdata1_ignores_a_write_that_names_an_unsupported_type(ulong type)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Tdata1, Mcontrol6 | M | Load);
        m[Reg.A1] = type << 60 | M | Execute;
        m.Execute("csrrw zero,tdata1,a1", "csrrs a0,tdata1,zero");
        Assert.Equal(TestMachine.Hex(Mcontrol6 | M | Load), TestMachine.Hex(m[Reg.A0]));
    }

    [Fact]
    public void Tdata2_is_kept_per_trigger_and_tdata3_and_tinfo_ignore_writes()
    {
        var m = new TestMachine();
        m[Reg.A1] = 0x1234_5678_9ABC_DEF0;
        m[Reg.A2] = 0x42;
        m.Execute("csrrw zero,tdata2,a1", "csrrwi zero,tselect,1", "csrrw zero,tdata2,a2", "csrrw zero,tdata3,a1",
            "csrrw zero,tinfo,a1", "csrrwi zero,tselect,0", "csrrs a3,tdata2,zero", "csrrs a4,tdata3,zero", "csrrs a5,tinfo,zero");
        Assert.Equal(0x1234_5678_9ABC_DEF0UL, m[Reg.A3]);
        Assert.Equal(0UL, m[Reg.A4]);
        Assert.Equal(0x44UL, m[Reg.A5]);
        m.SetCsr(CsrAddress.Tselect, 1);
        Assert.Equal(0x42UL, m.Csr(CsrAddress.Tdata2));
    }

    [Theory]
    [InlineData("csrrs a0,tcontrol,zero")]
    [InlineData("csrrs a0,mcontext,zero")]
    public void Tcontrol_and_mcontext_do_not_exist_as_on_QEMU_7_2(string instruction)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: TestMachine.Encode(instruction), epc: TestMachine.CodeBase);
    }

    [Fact]
    public void U_mode_cannot_reach_the_trigger_csrs()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "csrrs a0,tselect,zero");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunExpectingTrap(TrapCause.IllegalInstruction, epc: TestMachine.CodeBase);
    }

    // ---- firing -------------------------------------------------------------------------------

    [Fact]
    public void An_execute_trigger_stops_before_its_instruction_with_a_breakpoint_and_mtval_zero()
    {
        var m = new TestMachine();
        Arm(m, 0, TestMachine.CodeBase + 8, Mcontrol | M | Execute);
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "addi a0,a0,2", "addi a0,a0,4", "ecall");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 8);
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void An_execute_trigger_on_a_page_the_instruction_TLB_already_holds_fires()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi a0,a0,1", "csrrw zero,tdata2,a1", "csrrw zero,tdata1,a2", "addi a0,a0,2", "addi a0,a0,4", "ecall");
        m[Reg.A1] = TestMachine.CodeBase + 16;
        m[Reg.A2] = Mcontrol | M | Execute;
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase + 16);
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void A_load_trigger_stops_before_the_load_and_leaves_its_destination_alone()
    {
        var m = new TestMachine();
        m.WriteU64(Data, 0x77);
        Arm(m, 0, Data, Mcontrol | M | Load);
        m[Reg.A0] = 5;
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase);
        Assert.Equal(5UL, m[Reg.A0]);
    }

    [Fact]
    public void A_store_trigger_stops_before_the_store_and_leaves_memory_alone()
    {
        var m = new TestMachine();
        Arm(m, 1, Data + 8, Mcontrol | M | Store);
        m[Reg.A1] = Data;
        m[Reg.A2] = 0x99;
        m.Load(TestMachine.CodeBase, "sd a2,0(a1)", "sd a2,8(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.Breakpoint, tval: 0, epc: TestMachine.CodeBase + 4);
        Assert.Equal(0x99UL, m.ReadU64(Data));
        Assert.Equal(0UL, m.ReadU64(Data + 8));
    }

    [Fact]
    public void A_load_trigger_lets_stores_pass_and_a_store_trigger_lets_loads_pass()
    {
        var m = new TestMachine();
        Arm(m, 0, Data, Mcontrol | M | Load);
        Arm(m, 1, Data + 8, Mcontrol | M | Store);
        m[Reg.A1] = Data;
        m.Execute("sd a1,0(a1)", "ld a0,8(a1)");
        Assert.Equal(Data, m.ReadU64(Data));
    }

    [Fact]
    public void A_trigger_on_a_page_the_data_TLB_already_holds_fires()
    {
        var m = new TestMachine();
        m[Reg.A1] = Data;
        m[Reg.A2] = Data + 16;
        m[Reg.A3] = Mcontrol | M | Load;
        m.Load(TestMachine.CodeBase, "ld a0,16(a1)", "csrrw zero,tdata2,a2", "csrrw zero,tdata1,a3", "ld a0,8(a1)", "ld a0,16(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase + 16);
    }

    [Theory]
    [InlineData("lw a0,0(a1)", 2, true)]   // the access covers tdata2
    [InlineData("lh a0,2(a1)", 2, true)]
    [InlineData("lb a0,3(a1)", 2, false)]  // after it
    [InlineData("lw a0,4(a1)", 2, false)]
    [InlineData("ld a0,0(a1)", 7, true)]
    [InlineData("ld a0,-2(a1)", 1, true)]  // misaligned, still covers it
    public void A_trigger_compares_every_byte_the_access_touches(string load, ulong offset, bool fires)
    {
        var m = new TestMachine();
        Arm(m, 0, Data + 8 + offset, Mcontrol | M | Load);
        m[Reg.A1] = Data + 8;
        m.Load(TestMachine.CodeBase, load, "ecall");
        if (fires) m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
        else m.RunToEcall();
    }

    [Theory]
    [InlineData("sw a2,0(a1)", true)]
    [InlineData("sd a2,0(a1)", false)]
    [InlineData("sb a2,0(a1)", false)]
    public void A_trigger_with_a_size_fires_only_for_accesses_of_that_size(string store, bool fires)
    {
        var m = new TestMachine();
        Arm(m, 0, Data, Mcontrol | 3UL << 16 | M | Store); // sizelo 3: 4-byte accesses
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, store, "ecall");
        if (fires) m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
        else m.RunToEcall();
    }

    [Theory]
    [InlineData(U, false, true)]
    [InlineData(U, true, false)]
    [InlineData(M, true, true)]
    [InlineData(M, false, false)]
    [InlineData(S, false, false)] // no S-mode: an S-only trigger never fires
    public void A_trigger_fires_only_in_the_modes_it_names(ulong mode, bool machine, bool fires)
    {
        var m = new TestMachine();
        Arm(m, 0, Data, Mcontrol6 | mode | Load);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, "ld a0,0(a1)", "ecall");
        if (!machine) m.EnterUserMode(TestMachine.CodeBase);
        if (fires) m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
        else m.RunToEcall();
    }

    [Theory]
    [InlineData("amoadd.d a0,a2,(a1)", Load, true)]
    [InlineData("amoadd.d a0,a2,(a1)", Store, true)]
    [InlineData("lr.d a0,(a1)", Load, true)]
    [InlineData("lr.d a0,(a1)", Store, false)]
    [InlineData("sc.d a0,a2,(a1)", Store, true)]
    [InlineData("sc.d a0,a2,(a1)", Load, false)]
    public void An_AMO_is_both_a_load_and_a_store_to_the_triggers(string instruction, ulong kind, bool fires)
    {
        var m = new TestMachine();
        Arm(m, 0, Data, Mcontrol | M | kind);
        m[Reg.A1] = Data;
        m.Load(TestMachine.CodeBase, instruction, "ecall");
        if (fires) m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
        else m.RunToEcall();
    }

    [Fact]
    public void An_address_breakpoint_comes_before_a_misaligned_or_access_fault()
    {
        var m = new TestMachine(new HartOptions { HostHandlesTraps = true, MisalignedAccess = MisalignedAccessPolicy.Trap });
        Arm(m, 0, 0x1001, Mcontrol | M | Load);
        m[Reg.A1] = 0x1001; // misaligned and outside memory
        m.Load(TestMachine.CodeBase, "lw a0,0(a1)", "ecall");
        m.RunExpectingTrap(TrapCause.Breakpoint, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void Clearing_tdata1_disarms_the_trigger()
    {
        var m = new TestMachine();
        Arm(m, 0, TestMachine.CodeBase, Mcontrol | M | Execute);
        m.SetCsr(CsrAddress.Tdata1, Mcontrol);
        m.Execute("addi a0,zero,1");
        Assert.Equal(1UL, m[Reg.A0]);
    }

    [Fact]
    public void A_reset_disarms_every_trigger()
    {
        var m = new TestMachine();
        Arm(m, 1, TestMachine.CodeBase, Mcontrol | M | Execute);
        m.Hart.Reset(TestMachine.CodeBase);
        Assert.Equal(0UL, m.Csr(CsrAddress.Tselect));
        m.SetCsr(CsrAddress.Tselect, 1);
        Assert.Equal(Mcontrol, m.Csr(CsrAddress.Tdata1));
        Assert.Equal(0UL, m.Csr(CsrAddress.Tdata2));
        m.Execute("addi a0,zero,1");
        Assert.Equal(1UL, m[Reg.A0]);
    }
}
