using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// RV64A (unprivileged spec chapter 8): every AMO in both widths returns the old value and leaves
/// the right result in memory; LR/SC reservations; alignment and access faults.
/// </summary>
public class Rv64aTests
{
    private const ulong Max = 0x7FFF_FFFF_FFFF_FFFF, Min = 0x8000_0000_0000_0000, AllOnes = 0xFFFF_FFFF_FFFF_FFFF;
    private const ulong Word = TestMachine.DataBase, Sentinel = 0x5A5A_5A5A;

    [Theory]
    [InlineData("amoswap.d", 0x1111UL, 0x2222UL, 0x2222UL)]
    [InlineData("amoadd.d", Max, 1UL, Min)]
    [InlineData("amoadd.d", AllOnes, 2UL, 1UL)]
    [InlineData("amoxor.d", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0xF0F0_F0F0_F0F0_F0F0UL)]
    [InlineData("amoand.d", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0x0F00_0F00_0F00_0F00UL)]
    [InlineData("amoor.d", 0xFF00_FF00_FF00_FF00UL, 0x0FF0_0FF0_0FF0_0FF0UL, 0xFFF0_FFF0_FFF0_FFF0UL)]
    [InlineData("amomin.d", AllOnes, 1UL, AllOnes)]
    [InlineData("amomin.d", 1UL, AllOnes, AllOnes)]
    [InlineData("amomin.d", Min, Max, Min)]
    [InlineData("amomax.d", AllOnes, 1UL, 1UL)]
    [InlineData("amomax.d", Min, Max, Max)]
    [InlineData("amominu.d", AllOnes, 1UL, 1UL)]
    [InlineData("amominu.d", Min, Max, Max)]
    [InlineData("amomaxu.d", AllOnes, 1UL, AllOnes)]
    [InlineData("amomaxu.d", Min, Max, Min)]
    public void Doubleword_amos_return_the_old_value_and_store_the_result(string op, ulong memory, ulong operand, ulong result)
    {
        var m = new TestMachine();
        m.WriteU64(Word, memory);
        m[Reg.A1] = Word;
        m[Reg.A2] = operand;
        m.Execute($"{op} a0,a2,(a1)");
        Assert.Equal(TestMachine.Hex(memory), TestMachine.Hex(m[Reg.A0]));
        Assert.Equal(TestMachine.Hex(result), TestMachine.Hex(m.ReadU64(Word)));
    }

    [Theory]
    [InlineData("amoswap.w", 0xFFFF_FFFFu, 0x1_2345_6789UL, 0x2345_6789u)]
    [InlineData("amoadd.w", 0x7FFF_FFFFu, 1UL, 0x8000_0000u)]
    [InlineData("amoadd.w", 0xFFFF_FFFFu, 0xFFFF_FFFF_0000_0002UL, 1u)]
    [InlineData("amoxor.w", 0xFF00_FF00u, 0xFFFF_FFFF_0FF0_0FF0UL, 0xF0F0_F0F0u)]
    [InlineData("amoand.w", 0xFF00_FF00u, 0x0FF0_0FF0UL, 0x0F00_0F00u)]
    [InlineData("amoor.w", 0xFF00_FF00u, 0x0FF0_0FF0UL, 0xFFF0_FFF0u)]
    [InlineData("amomin.w", 0x8000_0000u, 1UL, 0x8000_0000u)]
    [InlineData("amomin.w", 5u, 0x0000_0001_0000_0003UL, 3u)] // compares the low words only
    [InlineData("amomax.w", 0x8000_0000u, 1UL, 1u)]
    [InlineData("amomax.w", 0xFFFF_FFFFu, 0xFFFF_FFFF_FFFF_FFFEUL, 0xFFFF_FFFFu)]
    [InlineData("amominu.w", 0x8000_0000u, 1UL, 1u)]
    [InlineData("amominu.w", 2u, 0xFFFF_FFFF_0000_0001UL, 1u)]
    [InlineData("amomaxu.w", 0x8000_0000u, 1UL, 0x8000_0000u)]
    [InlineData("amomaxu.w", 1u, 0x1_0000_0000UL, 1u)]
    public void Word_amos_sign_extend_the_old_value_and_touch_only_their_word(string op, uint memory, ulong operand, uint result)
    {
        var m = new TestMachine();
        m.WriteU32(Word, memory);
        m.WriteU32(Word + 4, (uint)Sentinel);
        m[Reg.A1] = Word;
        m[Reg.A2] = operand;
        m.Execute($"{op} a0,a2,(a1)");
        Assert.Equal(TestMachine.Hex((ulong)(int)memory), TestMachine.Hex(m[Reg.A0]));
        Assert.Equal(TestMachine.Hex(result), TestMachine.Hex(m.ReadU32(Word)));
        Assert.Equal(TestMachine.Hex(Sentinel), TestMachine.Hex(m.ReadU32(Word + 4)));
    }

    [Theory]
    [InlineData("amoadd.d.aq")]
    [InlineData("amoadd.d.rl")]
    [InlineData("amoadd.d.aqrl")]
    public void Ordering_bits_do_not_change_an_amos_result(string op)
    {
        var m = new TestMachine();
        m.WriteU64(Word, 40);
        m[Reg.A1] = Word;
        m[Reg.A2] = 2;
        m.Execute($"{op} a0,a2,(a1)");
        Assert.Equal(40UL, m[Reg.A0]);
        Assert.Equal(42UL, m.ReadU64(Word));
    }

    [Fact]
    public void An_amo_whose_rd_is_its_address_register_updates_the_original_address()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 100);
        m[Reg.A1] = Word;
        m[Reg.A2] = 5;
        m.Execute("amoadd.d a1,a2,(a1)");
        Assert.Equal(100UL, m[Reg.A1]);
        Assert.Equal(105UL, m.ReadU64(Word));
    }

    // ---- LR/SC ------------------------------------------------------------------------------

    [Fact]
    public void Sc_after_lr_to_the_same_address_succeeds_and_writes()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 7);
        m[Reg.A1] = Word;
        m[Reg.A3] = 0x1234_5678_9ABC_DEF0;
        m[Reg.A2] = 99;
        m.Execute("lr.d a0,(a1)", "sc.d a2,a3,(a1)");
        Assert.Equal(7UL, m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(0x1234_5678_9ABC_DEF0UL, m.ReadU64(Word));
    }

    [Fact]
    public void Word_lr_sign_extends_and_word_sc_writes_only_its_word()
    {
        var m = new TestMachine();
        m.WriteU32(Word, 0x8000_0001);
        m.WriteU32(Word + 4, (uint)Sentinel);
        m[Reg.A1] = Word;
        m[Reg.A3] = 0xFFFF_FFFF_1234_5678;
        m.Execute("lr.w.aq a0,(a1)", "sc.w.rl a2,a3,(a1)");
        Assert.Equal(0xFFFF_FFFF_8000_0001UL, m[Reg.A0]);
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(0x1234_5678u, m.ReadU32(Word));
        Assert.Equal((uint)Sentinel, m.ReadU32(Word + 4));
    }

    [Fact]
    public void Sc_without_a_reservation_fails_and_leaves_memory_alone()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 7);
        m[Reg.A1] = Word;
        m[Reg.A3] = 8;
        m.Execute("sc.d a2,a3,(a1)");
        Assert.Equal(1UL, m[Reg.A2]);
        Assert.Equal(7UL, m.ReadU64(Word));
    }

    [Fact]
    public void A_second_sc_fails_because_the_first_consumed_the_reservation()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 7);
        m[Reg.A1] = Word;
        m[Reg.A3] = 8;
        m[Reg.A4] = 9;
        m.Execute("lr.d a0,(a1)", "sc.d a2,a3,(a1)", "sc.d a5,a4,(a1)");
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(1UL, m[Reg.A5]);
        Assert.Equal(8UL, m.ReadU64(Word));
    }

    [Fact]
    public void Sc_to_a_different_address_fails_and_drops_the_reservation()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 7);
        m.WriteU64(Word + 8, 70);
        m[Reg.A1] = Word;
        m[Reg.A4] = Word + 8;
        m[Reg.A3] = 8;
        m.Execute("lr.d a0,(a1)", "sc.d a2,a3,(a4)", "sc.d a5,a3,(a1)");
        Assert.Equal(1UL, m[Reg.A2]);
        Assert.Equal(70UL, m.ReadU64(Word + 8));
        // Every SC, successful or not, invalidates the reservation (unprivileged spec 8.2).
        Assert.Equal(1UL, m[Reg.A5]);
        Assert.Equal(7UL, m.ReadU64(Word));
    }

    [Fact]
    public void A_new_lr_moves_the_reservation()
    {
        var m = new TestMachine();
        m[Reg.A1] = Word;
        m[Reg.A4] = Word + 8;
        m[Reg.A3] = 8;
        m.Execute("lr.d a0,(a1)", "lr.d a0,(a4)", "sc.d a2,a3,(a4)");
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(8UL, m.ReadU64(Word + 8));
    }

    [Fact]
    public void A_trap_between_lr_and_sc_clears_the_reservation()
    {
        var m = new TestMachine();
        m.WriteU64(Word, 7);
        m[Reg.A1] = Word;
        m[Reg.A3] = 8;
        m.Load(TestMachine.CodeBase, "lr.d a0,(a1)", "ecall", "sc.d a2,a3,(a1)", "ecall");
        m.RunToEcall();
        // The host plays a trap handler that returns past the ecall.
        m.SetCsr(CsrAddress.Mepc, m.Hart.Mepc + 4);
        m.Hart.ReturnFromTrap();
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A2]);
        Assert.Equal(7UL, m.ReadU64(Word));
    }

    [Fact]
    public void A_trap_handled_in_guest_code_clears_the_reservation()
    {
        var m = new TestMachine(new HartOptions());
        m.WriteU64(Word, 7);
        m[Reg.A1] = Word;
        m[Reg.A3] = 8;
        m.SetCsr(CsrAddress.Mtvec, TestMachine.CodeBase + 0x100);
        m.Load(TestMachine.CodeBase, "lr.d a0,(a1)", "ecall", "sc.d a2,a3,(a1)", "csrrw zero,mtvec,zero", "ecall");
        m.Load(TestMachine.CodeBase + 0x100,
            "csrrs t0,mepc,zero",
            "addi t0,t0,4",
            "csrrw zero,mepc,t0",
            "mret");
        Assert.Equal(StopReason.UnhandledTrap, m.Run().Reason);
        Assert.Equal(1UL, m[Reg.A2]);
        Assert.Equal(7UL, m.ReadU64(Word));
    }

    // ---- faults -----------------------------------------------------------------------------

    [Theory]
    [InlineData("amoadd.d a0,a2,(a1)", 4)]
    [InlineData("amoadd.d a0,a2,(a1)", 1)]
    [InlineData("amoswap.w a0,a2,(a1)", 2)]
    [InlineData("amomaxu.w a0,a2,(a1)", 1)]
    [InlineData("sc.d a0,a2,(a1)", 4)]
    [InlineData("sc.w a0,a2,(a1)", 2)]
    public void A_misaligned_amo_or_sc_raises_store_address_misaligned_even_when_misaligned_accesses_are_allowed(string instruction, int offset)
    {
        var m = new TestMachine();
        ulong address = Word + (ulong)offset;
        m.WriteU64(Word, 0x77);
        m.WriteU64(Word + 8, 0x77);
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.StoreAddressMisaligned, tval: address, epc: TestMachine.CodeBase);
        Assert.Equal(0x77UL, m.ReadU64(Word));
        Assert.Equal(0x77UL, m.ReadU64(Word + 8));
        Assert.Equal(0UL, m[Reg.A0]);
    }

    [Theory]
    [InlineData("lr.d a0,(a1)", 4)]
    [InlineData("lr.w a0,(a1)", 2)]
    [InlineData("lr.d a0,(a1)", 7)]
    public void A_misaligned_lr_raises_load_address_misaligned(string instruction, int offset)
    {
        var m = new TestMachine();
        ulong address = Word + (ulong)offset;
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(TrapCause.LoadAddressMisaligned, tval: address, epc: TestMachine.CodeBase);
    }

    [Theory]
    [InlineData("amoadd.w a0,a2,(a1)", TestMachine.ClintBase + 0x4000, TrapCause.StoreAccessFault)]
    [InlineData("amoswap.d a0,a2,(a1)", TestMachine.ClintBase + 0xBFF8, TrapCause.StoreAccessFault)]
    [InlineData("amoor.d a0,a2,(a1)", 0x1000UL, TrapCause.StoreAccessFault)]
    [InlineData("lr.d a0,(a1)", 0x1000UL, TrapCause.LoadAccessFault)]
    [InlineData("lr.w a0,(a1)", TestMachine.ClintBase, TrapCause.LoadAccessFault)]
    [InlineData("amoadd.d a0,a2,(a1)", TestMachine.RamBase + TestMachine.DefaultRamSize, TrapCause.StoreAccessFault)]
    public void An_atomic_to_a_device_or_unmapped_address_raises_an_access_fault(string instruction, ulong address, TrapCause cause)
    {
        var m = new TestMachine();
        ulong mtimecmp = m.Clint.Mtimecmp;
        m[Reg.A1] = address;
        m.Load(TestMachine.CodeBase, instruction);
        m.RunExpectingTrap(cause, tval: address, epc: TestMachine.CodeBase);
        Assert.Equal(mtimecmp, m.Clint.Mtimecmp);
    }

    [Fact]
    public void Sc_after_lr_works_on_the_last_doubleword_of_dram()
    {
        var m = new TestMachine();
        ulong last = TestMachine.RamBase + TestMachine.DefaultRamSize - 8;
        m[Reg.A1] = last;
        m[Reg.A3] = 3;
        m.Execute("lr.d a0,(a1)", "sc.d a2,a3,(a1)");
        Assert.Equal(0UL, m[Reg.A2]);
        Assert.Equal(3UL, m.ReadU64(last));
    }
}
