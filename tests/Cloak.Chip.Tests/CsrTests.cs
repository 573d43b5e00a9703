using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Zicsr (unprivileged spec chapter 9) and the machine-mode CSRs (privileged spec chapters 2 and 3):
/// read-modify-write semantics, which accesses are legal from which mode, and WARL fields.
/// </summary>
public class CsrTests
{
    private static void ExpectIllegal(TestMachine m, string instruction, ulong epc = TestMachine.CodeBase) =>
        m.ExpectTrap(TrapCause.IllegalInstruction, tval: TestMachine.Encode(instruction), epc: epc);

    [Fact]
    public void Csrrw_swaps_the_old_value_into_rd()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mscratch, 5);
        m[Reg.A1] = 0x1234_5678_9ABC_DEF0;
        m.Execute("csrrw a0,mscratch,a1");
        Assert.Equal(5UL, m[Reg.A0]);
        Assert.Equal(0x1234_5678_9ABC_DEF0UL, m.Csr(CsrAddress.Mscratch));
    }

    [Theory]
    [InlineData("csrrs a0,mscratch,a1", 0xF0F0UL, 0x0FF0UL, 0xFFF0UL)]
    [InlineData("csrrc a0,mscratch,a1", 0xF0F0UL, 0x0FF0UL, 0xF000UL)]
    [InlineData("csrrwi a0,mscratch,31", 0xF0F0UL, 0UL, 31UL)]
    [InlineData("csrrsi a0,mscratch,5", 0xF0F0UL, 0UL, 0xF0F5UL)]
    [InlineData("csrrci a0,mscratch,16", 0xF0F0UL, 0UL, 0xF0E0UL)]
    [InlineData("csrrs a0,mscratch,zero", 0xF0F0UL, 0UL, 0xF0F0UL)]
    [InlineData("csrrc a0,mscratch,zero", 0xF0F0UL, 0UL, 0xF0F0UL)]
    [InlineData("csrrsi a0,mscratch,0", 0xF0F0UL, 0UL, 0xF0F0UL)]
    [InlineData("csrrwi a0,mscratch,0", 0xF0F0UL, 0UL, 0UL)]
    public void Csr_instructions_return_the_old_value_and_write_the_new(string instruction, ulong old, ulong a1, ulong expected)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mscratch, old);
        m[Reg.A1] = a1;
        m.Execute(instruction);
        Assert.Equal(old, m[Reg.A0]);
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(m.Csr(CsrAddress.Mscratch)));
    }

    [Fact]
    public void A_csr_instruction_whose_rd_is_its_source_uses_the_old_register_value()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mscratch, 1);
        m[Reg.A0] = 6;
        m.Execute("csrrs a0,mscratch,a0");
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(7UL, m.Csr(CsrAddress.Mscratch));
    }

    [Theory]
    [InlineData("csrrs a0,mhartid,zero")]
    [InlineData("csrrc a0,mhartid,zero")]
    [InlineData("csrrsi a0,mhartid,0")]
    [InlineData("csrrci a0,mvendorid,0")]
    [InlineData("csrrs a0,cycle,zero")]
    [InlineData("csrrs a0,time,zero")]
    [InlineData("csrrs a0,instret,zero")]
    [InlineData("csrrs a0,marchid,zero")]
    [InlineData("csrrs a0,mimpid,zero")]
    [InlineData("csrrs a0,mconfigptr,zero")]
    public void Reading_a_read_only_csr_without_writing_is_legal(string instruction)
    {
        var m = new TestMachine();
        m.Execute(instruction);
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
    }

    [Theory]
    [InlineData("csrrw zero,mhartid,a1")]
    [InlineData("csrrw a0,mhartid,zero")]
    [InlineData("csrrwi a0,mhartid,0")]
    [InlineData("csrrs a0,mhartid,a1")] // rs1 is not x0, so it is a write even though a1 = 0
    [InlineData("csrrci a0,mhartid,1")]
    [InlineData("csrrw zero,cycle,a1")]
    [InlineData("csrrw zero,time,a1")]
    [InlineData("csrrs a0,instret,a1")]
    [InlineData("csrrw zero,mvendorid,a1")]
    [InlineData("csrrw zero,0xc03,a1")] // hpmcounter3
    public void Writing_a_read_only_csr_is_illegal(string instruction)
    {
        var m = new TestMachine();
        m[Reg.A0] = 0x55;
        m.Load(TestMachine.CodeBase, instruction);
        m.Run();
        ExpectIllegal(m, instruction);
        Assert.Equal(0x55UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("csrrs a0,0x100,zero")] // sstatus: no S-mode
    [InlineData("csrrw a0,0x105,a1")]   // stvec
    [InlineData("csrrs a0,0x141,zero")] // sepc
    [InlineData("csrrs a0,0x142,zero")] // scause
    [InlineData("csrrs a0,0x7c0,zero")] // custom M-mode read/write space
    [InlineData("csrrs a0,0x800,zero")] // custom U-mode read/write space
    [InlineData("csrrs a0,0xc80,zero")] // cycleh exists only in RV32
    [InlineData("csrrs a0,0x3a1,zero")] // pmpcfg1 exists only in RV32
    [InlineData("csrrs a0,0x001,zero")] // fflags: no F
    [InlineData("csrrs a0,0x600,zero")] // hstatus: no H
    [InlineData("csrrs a0,0x7b0,zero")] // dcsr: debug mode only
    [InlineData("csrrwi zero,0x7c0,1")]
    public void Unimplemented_csrs_are_illegal(string instruction)
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, instruction);
        m.Run();
        ExpectIllegal(m, instruction);
    }

    [Theory]
    [InlineData("csrrs a0,mstatus,zero")]
    [InlineData("csrrs a0,misa,zero")]
    [InlineData("csrrs a0,mscratch,zero")]
    [InlineData("csrrw zero,mscratch,a1")]
    [InlineData("csrrs a0,mepc,zero")]
    [InlineData("csrrs a0,mtvec,zero")]
    [InlineData("csrrs a0,mie,zero")]
    [InlineData("csrrs a0,mip,zero")]
    [InlineData("csrrs a0,mhartid,zero")]
    [InlineData("csrrs a0,mcycle,zero")]
    [InlineData("csrrs a0,minstret,zero")]
    [InlineData("csrrs a0,mcounteren,zero")]
    [InlineData("csrrs a0,satp,zero")]
    [InlineData("csrrs a0,pmpaddr0,zero")]
    public void Machine_and_supervisor_csrs_are_illegal_from_user_mode(string instruction)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mcounteren, 0xFFFF_FFFF);
        m.Load(TestMachine.CodeBase, instruction);
        m.EnterUserMode(TestMachine.CodeBase);
        m.Run();
        ExpectIllegal(m, instruction);
    }

    [Theory]
    [InlineData("cycle", 0)]
    [InlineData("time", 1)]
    [InlineData("instret", 2)]
    [InlineData("hpmcounter3", 3)]
    [InlineData("hpmcounter31", 31)]
    public void User_mode_reads_a_counter_only_when_its_mcounteren_bit_is_set(string counter, int bit)
    {
        string instruction = $"csrrs a0,{counter},zero";
        var denied = new TestMachine();
        denied.SetCsr(CsrAddress.Mcounteren, 0xFFFF_FFFF & ~(1UL << bit));
        denied.Load(TestMachine.CodeBase, instruction);
        denied.EnterUserMode(TestMachine.CodeBase);
        denied.Run();
        ExpectIllegal(denied, instruction);

        var allowed = new TestMachine();
        allowed.SetCsr(CsrAddress.Mcounteren, 1UL << bit);
        allowed.Load(TestMachine.CodeBase, instruction, "ecall");
        allowed.EnterUserMode(TestMachine.CodeBase);
        allowed.RunToEcall();
        allowed.ExpectTrap(TrapCause.EnvironmentCallFromUMode);
    }

    [Fact]
    public void User_mode_counters_read_the_machine_counters()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mcounteren, 7);
        m.Load(TestMachine.CodeBase, "addi zero,zero,0", "addi zero,zero,0", "csrrs a0,instret,zero", "csrrs a1,cycle,zero", "csrrs a2,time,zero", "ecall");
        m.EnterUserMode(TestMachine.CodeBase);
        m.RunToEcall();
        Assert.Equal(2UL, m[Reg.A0]);
        Assert.Equal(3UL, m[Reg.A1]);
        Assert.Equal(0UL, m[Reg.A2]); // 4 cycles at 10 cycles per tick
    }

    [Fact]
    public void Mhartid_reads_the_configured_hart_id()
    {
        var m = new TestMachine(TestMachine.DefaultOptions with { HartId = 3 });
        m.Execute("csrrs a0,mhartid,zero");
        Assert.Equal(3UL, m[Reg.A0]);
    }

    [Fact]
    public void Misa_reports_rv64_with_a_c_i_m_and_u()
    {
        var m = new TestMachine();
        m.Execute("csrrs a0,misa,zero");
        ulong expected = 2UL << 62 | 1UL << ('A' - 'A') | 1UL << ('C' - 'A') | 1UL << ('I' - 'A') | 1UL << ('M' - 'A') | 1UL << ('U' - 'A');
        Assert.Equal(TestMachine.Hex(expected), TestMachine.Hex(m[Reg.A0]));
    }

    [Fact]
    public void Writes_to_misa_are_ignored()
    {
        var m = new TestMachine();
        m.Execute("csrrw zero,misa,zero", "csrrs a0,misa,zero");
        Assert.Equal(Hart.MisaValue, m[Reg.A0]);
    }

    [Fact]
    public void Mstatus_keeps_only_the_fields_an_m_and_u_hart_has()
    {
        // MIE, MPIE, MPP, MPRV, TW writable; UXL reads 2; SIE, SPP, SUM, MXR, TVM, TSR, FS... read zero.
        var m = new TestMachine();
        m[Reg.A1] = ulong.MaxValue;
        m.Execute("csrrw zero,mstatus,a1", "csrrs a0,mstatus,zero", "csrrw zero,mstatus,zero", "csrrs a2,mstatus,zero");
        Assert.Equal(TestMachine.Hex(0x2_0022_1888), TestMachine.Hex(m[Reg.A0]));
        Assert.Equal(TestMachine.Hex(0x2_0000_0000), TestMachine.Hex(m[Reg.A2]));
    }

    [Theory]
    [InlineData(3UL, 1UL, 3UL)]
    [InlineData(3UL, 2UL, 3UL)]
    [InlineData(0UL, 1UL, 0UL)]
    [InlineData(0UL, 2UL, 0UL)]
    [InlineData(3UL, 0UL, 0UL)]
    [InlineData(0UL, 3UL, 3UL)]
    public void Mstatus_mpp_accepts_only_user_and_machine(ulong before, ulong written, ulong after)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mstatus, before << 11);
        m[Reg.A1] = written << 11 | Hart.MstatusMpie;
        m.Execute("csrrw zero,mstatus,a1", "csrrs a0,mstatus,zero");
        Assert.Equal(after, (m[Reg.A0] & Hart.MstatusMpp) >> 11);
        // The rest of the write still lands.
        Assert.NotEqual(0UL, m[Reg.A0] & Hart.MstatusMpie);
    }

    [Theory]
    [InlineData(0x8000_0102UL)]
    [InlineData(0x8000_0103UL)]
    public void Mtvec_ignores_a_write_with_a_reserved_mode(ulong value)
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Mtvec, 0x8000_0201);
        m[Reg.A1] = value;
        m.Execute("csrrw zero,mtvec,a1");
        Assert.Equal(0x8000_0201UL, m.Csr(CsrAddress.Mtvec));
    }

    [Theory]
    [InlineData(0x8000_0100UL)]
    [InlineData(0x8000_0101UL)]
    public void Mtvec_accepts_direct_and_vectored_modes(ulong value)
    {
        var m = new TestMachine();
        m[Reg.A1] = value;
        m.Execute("csrrw zero,mtvec,a1");
        Assert.Equal(value, m.Csr(CsrAddress.Mtvec));
    }

    [Fact]
    public void Mepc_bit_0_reads_zero()
    {
        var m = new TestMachine();
        m[Reg.A1] = 0x8000_0123;
        m.Execute("csrrw zero,mepc,a1", "csrrs a0,mepc,zero");
        Assert.Equal(0x8000_0122UL, m[Reg.A0]);
    }

    [Fact]
    public void Mie_keeps_only_the_machine_interrupt_enables()
    {
        var m = new TestMachine();
        m[Reg.A1] = ulong.MaxValue;
        m.Execute("csrrw zero,mie,a1", "csrrs a0,mie,zero");
        Assert.Equal(0x888UL, m[Reg.A0]);
    }

    [Fact]
    public void Mip_ignores_writes_and_shows_the_clints_pending_bits()
    {
        var m = new TestMachine();
        m.Clint.Mtimecmp = 0;
        m.Clint.SoftwareInterruptPending = true;
        m[Reg.A1] = ulong.MaxValue;
        m.Execute("csrrw zero,mip,zero", "csrrs a0,mip,zero", "csrrs zero,mip,a1", "csrrs a2,mip,zero");
        Assert.Equal(0x88UL, m[Reg.A0]);
        Assert.Equal(0x88UL, m[Reg.A2]);
    }

    [Fact]
    public void Minstret_counts_retired_instructions_exactly()
    {
        var m = new TestMachine();
        m.Execute(
            "csrrs a0,minstret,zero",
            "addi t0,zero,5",
            "loop:",
            "addi t0,t0,-1",
            "bne t0,zero,loop",
            "csrrs a1,minstret,zero");
        Assert.Equal(0UL, m[Reg.A0]);
        Assert.Equal(12UL, m[Reg.A1]); // csrrs + addi + 5 x (addi, bne)
        Assert.Equal(13UL, m.Csr(CsrAddress.Minstret));
        Assert.Equal(13UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void A_write_to_minstret_takes_precedence_over_its_own_increment()
    {
        var m = new TestMachine();
        m[Reg.A1] = 100;
        m.Execute("addi zero,zero,0", "csrrw zero,minstret,a1", "csrrs a0,minstret,zero", "csrrs a2,minstret,zero");
        Assert.Equal(100UL, m[Reg.A0]);
        Assert.Equal(101UL, m[Reg.A2]);
    }

    [Fact]
    public void A_write_to_mcycle_takes_precedence_over_its_own_increment()
    {
        var m = new TestMachine();
        m[Reg.A1] = 1000;
        m.Execute("csrrw zero,mcycle,a1", "csrrs a0,mcycle,zero", "csrrs a2,mcycle,zero");
        Assert.Equal(1000UL, m[Reg.A0]);
        Assert.Equal(1001UL, m[Reg.A2]);
    }

    [Fact]
    public void Csrrs_on_minstret_with_a_zero_source_does_not_write_it()
    {
        var m = new TestMachine();
        m.Execute("addi zero,zero,0", "csrrsi zero,minstret,0", "csrrs a0,minstret,zero");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_host_write_to_minstret_sets_it_exactly()
    {
        var m = new TestMachine();
        m.SetCsr(CsrAddress.Minstret, 500);
        m.Execute("csrrs a0,minstret,zero");
        Assert.Equal(500UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData(9UL)]  // Sv48
    [InlineData(10UL)] // Sv57
    [InlineData(1UL)]  // reserved
    [InlineData(15UL)]
    public void Satp_ignores_writes_of_unsupported_modes(ulong mode)
    {
        var m = new TestMachine();
        ulong sv39 = Sv39.MakeSatp(0x80080, asid: 0);
        m.SetCsr(CsrAddress.Satp, sv39);
        m[Reg.A1] = mode << 60 | 0x80090;
        m.Execute("csrrw a0,satp,a1");
        Assert.Equal(sv39, m[Reg.A0]);
        Assert.Equal(sv39, m.Csr(CsrAddress.Satp));
    }

    [Fact]
    public void Satp_accepts_bare_and_sv39()
    {
        var m = new TestMachine();
        m[Reg.A1] = Sv39.MakeSatp(0x80080);
        m.Execute("csrrw zero,satp,a1", "csrrs a0,satp,zero", "csrrw zero,satp,zero", "csrrs a2,satp,zero");
        Assert.Equal(Sv39.MakeSatp(0x80080), m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.A2]);
    }

    [Fact]
    public void Mcounteren_holds_32_bits()
    {
        var m = new TestMachine();
        m[Reg.A1] = ulong.MaxValue;
        m.Execute("csrrw zero,mcounteren,a1", "csrrs a0,mcounteren,zero");
        Assert.Equal(0xFFFF_FFFFUL, m[Reg.A0]);
    }

    [Fact]
    public void Mcause_mtval_and_mscratch_hold_what_is_written()
    {
        var m = new TestMachine();
        m[Reg.A1] = 0x8000_0000_0000_0007;
        m[Reg.A2] = 0xDEAD_BEEF;
        m.Execute("csrrw zero,mcause,a1", "csrrw zero,mtval,a2", "csrrs a3,mcause,zero", "csrrs a4,mtval,zero");
        Assert.Equal(0x8000_0000_0000_0007UL, m[Reg.A3]);
        Assert.Equal(0xDEAD_BEEFUL, m[Reg.A4]);
    }

    [Fact]
    public void The_host_csr_api_applies_the_same_privilege_rules()
    {
        var m = new TestMachine();
        Assert.False(m.Hart.TryReadCsr(CsrAddress.Mstatus, Privilege.User, out _));
        Assert.True(m.Hart.TryReadCsr(CsrAddress.Mstatus, Privilege.Machine, out _));
        Assert.False(m.Hart.TryWriteCsr(CsrAddress.Mhartid, Privilege.Machine, 1, out _));
        Assert.False(m.Hart.TryWriteCsr(CsrAddress.Mscratch, Privilege.User, 1, out _));
        Assert.False(m.Hart.TryReadCsr(0x100, Privilege.Machine, out _));
        Assert.Throws<ArgumentException>(() => m.Hart.ReadCsr(0x7C0));
        Assert.Throws<ArgumentException>(() => m.Hart.WriteCsr(CsrAddress.Cycle, 0));
    }
}
