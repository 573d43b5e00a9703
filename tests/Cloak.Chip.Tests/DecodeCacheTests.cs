using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// The hart caches decoded instructions per physical page. That cache must never be observable:
/// stores (from the hart, through any alias) and host writes to DRAM must make the new bytes execute,
/// and 32-bit instructions straddling two pages must fetch and fault like any other.
/// </summary>
public class DecodeCacheTests
{
    private static ulong Bits(string instruction) => TestMachine.Encode(instruction);

    [Fact]
    public void A_store_over_an_already_executed_instruction_on_the_running_page_takes_effect()
    {
        var m = new TestMachine();
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m.Execute(
            "addi s0,zero,0",
            "again:",
            "addi a0,zero,1",    // at CodeBase + 4: executed once, then patched
            "bne s0,zero,done",
            "addi s0,zero,1",
            "sw t0,0(t1)",
            "jal zero,again",
            "done:");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_store_over_the_very_next_instruction_takes_effect()
    {
        var m = new TestMachine();
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m.Execute("sw t0,0(t1)", "addi a0,zero,1");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_store_over_the_next_instruction_in_a_hot_loop_takes_effect_on_the_next_iteration()
    {
        var m = new TestMachine();
        m[Reg.T0] = Bits("addi a0,a0,100");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m.Execute(
            "addi s0,zero,3",
            "loop:",
            "addi a0,a0,1",     // +1 the first time, +100 afterwards
            "sw t0,0(t1)",
            "addi s0,s0,-1",
            "bne s0,zero,loop");
        Assert.Equal(201UL, m[Reg.A0]);
    }

    [Fact]
    public void A_halfword_store_over_a_compressed_instruction_takes_effect()
    {
        var m = new TestMachine();
        m[Reg.T0] = Bits("c.li a0,9");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m.Execute(
            "addi s0,zero,2",
            "loop:",
            "c.li a0,1",        // at CodeBase + 4: runs once, then is patched
            "sh t0,0(t1)",
            "addi s0,s0,-1",
            "bne s0,zero,loop");
        Assert.Equal(9UL, m[Reg.A0]);
    }

    [Fact]
    public void A_store_to_another_code_page_takes_effect_at_the_next_call()
    {
        var m = new TestMachine();
        const ulong function = TestMachine.CodeBase + 0x3000;
        m.Load(function, "addi a0,zero,1", "jalr zero,0(ra)");
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = function;
        m.Execute("jalr ra,0(t1)", "add a1,a0,zero", "sw t0,0(t1)", "jalr ra,0(t1)");
        Assert.Equal(1UL, m[Reg.A1]);
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_page_first_written_as_data_and_then_run_as_code_still_sees_later_stores()
    {
        // The first store warms the data TLB for the page while it holds no decoded code yet.
        var m = new TestMachine();
        const ulong function = TestMachine.CodeBase + 0x3000;
        m.Load(function, "addi a0,zero,1", "jalr zero,0(ra)");
        m[Reg.T0] = Bits("addi a0,zero,1");
        m[Reg.T2] = Bits("addi a0,zero,2");
        m[Reg.T1] = function;
        m.Execute("sw t0,0(t1)", "jalr ra,0(t1)", "add a1,a0,zero", "sw t2,0(t1)", "jalr ra,0(t1)");
        Assert.Equal(1UL, m[Reg.A1]);
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void An_amo_over_code_takes_effect()
    {
        var m = new TestMachine();
        const ulong function = TestMachine.CodeBase + 0x3000;
        m.Load(function, "addi a0,zero,1", "jalr zero,0(ra)");
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = function;
        m.Execute("jalr ra,0(t1)", "amoswap.w a2,t0,(t1)", "jalr ra,0(t1)");
        Assert.Equal(2UL, m[Reg.A0]);
        Assert.Equal((ulong)(long)(int)Bits("addi a0,zero,1"), m[Reg.A2]);
    }

    [Fact]
    public void Self_modifying_code_with_fence_i_works()
    {
        var m = new TestMachine();
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m.Execute(
            "addi s0,zero,0",
            "again:",
            "addi a0,zero,1",
            "bne s0,zero,done",
            "addi s0,zero,1",
            "sw t0,0(t1)",
            "fence.i",
            "jal zero,again",
            "done:");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_host_write_to_dram_between_runs_is_executed()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        Assert.Equal(1UL, m[Reg.A0]);

        m.Load(TestMachine.CodeBase, "addi a0,zero,2");
        m.Pc = TestMachine.CodeBase;
        m.RunToEcall();
        Assert.Equal(2UL, m[Reg.A0]);
    }

    [Fact]
    public void A_host_clear_of_dram_is_executed()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "addi a0,zero,1", "ecall");
        m.RunToEcall();
        m.Dram.Clear(TestMachine.CodeBase, 2);
        m.Pc = TestMachine.CodeBase;
        m.RunExpectingTrap(TrapCause.IllegalInstruction, tval: 0, epc: TestMachine.CodeBase);
    }

    [Fact]
    public void A_store_through_a_data_alias_changes_the_code_seen_through_another_virtual_page()
    {
        var m = new TestMachine();
        var tables = m.EnablePaging();
        const ulong codeVa = 0x1_0000, aliasVa = 0x3_0000;
        tables.Map4K(codeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        tables.Map4K(aliasVa, TestMachine.CodeBase, Pte.Read | Pte.Write | Pte.User);
        m[Reg.T0] = Bits("addi a0,zero,2");
        m[Reg.T1] = aliasVa + 4;
        m.EnterUserMode(codeVa);
        m.Execute(
            "addi s0,zero,0",
            "again:",
            "addi a0,zero,1",
            "bne s0,zero,done",
            "addi s0,zero,1",
            "sw t0,0(t1)",
            "jal zero,again",
            "done:");
        Assert.Equal(2UL, m[Reg.A0]);
    }

    // ---- instructions straddling two pages ----------------------------------------------------

    [Fact]
    public void A_32_bit_instruction_straddling_two_pages_executes()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "jal zero,80000ffe");
        m.Load(TestMachine.CodeBase + 0xFFE, "addi a0,zero,7", "ecall");
        m.RunToEcall();
        Assert.Equal(7UL, m[Reg.A0]);
        m.ExpectTrap(TrapCause.EnvironmentCallFromMMode, epc: TestMachine.CodeBase + 0x1002);
    }

    [Fact]
    public void A_straddling_instruction_sees_a_host_write_to_its_second_half()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "jal zero,80000ffe");
        m.Load(TestMachine.CodeBase + 0xFFE, "addi a0,zero,7", "ecall");
        m.RunToEcall();
        Assert.Equal(7UL, m[Reg.A0]);

        // addi a0,zero,9 differs from addi a0,zero,7 only in its upper halfword.
        m.Dram.Write(TestMachine.CodeBase + 0x1000, [0x90, 0x00]);
        m.Pc = TestMachine.CodeBase;
        m.RunToEcall();
        Assert.Equal(9UL, m[Reg.A0]);
    }

    [Fact]
    public void A_straddling_instruction_sees_a_guest_store_to_its_second_half()
    {
        var m = new TestMachine();
        m[Reg.T0] = 0x0095; // upper half of addi a0,a0,9
        m[Reg.T1] = TestMachine.CodeBase + 0x1000;
        m.Load(TestMachine.CodeBase, "addi s0,zero,2", "loop:", "jal ra,80000ffe", "sh t0,0(t1)", "addi s0,s0,-1", "bne s0,zero,loop", "ecall");
        m.Load(TestMachine.CodeBase + 0xFFE, "addi a0,a0,7", "jalr zero,0(ra)");
        m.RunToEcall();
        Assert.Equal(16UL, m[Reg.A0]);
    }

    [Fact]
    public void A_compressed_instruction_in_the_last_halfword_of_a_page_executes()
    {
        var m = new TestMachine();
        m.Load(TestMachine.CodeBase, "jal zero,80000ffe");
        m.Load(TestMachine.CodeBase + 0xFFE, "c.li a0,5", "c.addi a0,1", "ecall");
        m.RunToEcall();
        Assert.Equal(6UL, m[Reg.A0]);
    }

    [Fact]
    public void A_straddling_instruction_whose_second_page_is_not_executable_faults_on_that_page()
    {
        var m = new TestMachine();
        var tables = m.EnablePaging();
        tables.Map4K(0x1_0000, TestMachine.CodeBase, Pte.Execute | Pte.User);
        tables.Map4K(0x1_1000, TestMachine.CodeBase + 0x1000, Pte.Read | Pte.User);
        m.Load(TestMachine.CodeBase + 0xFFE, "addi a0,zero,7", "ecall");
        m.EnterUserMode(0x1_0FFE);
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: 0x1_1000, epc: 0x1_0FFE);
        Assert.Equal(0UL, m[Reg.A0]);
    }

    [Fact]
    public void A_straddling_instruction_whose_second_page_is_unmapped_faults_on_that_page()
    {
        var m = new TestMachine();
        var tables = m.EnablePaging();
        tables.Map4K(0x1_0000, TestMachine.CodeBase, Pte.Execute | Pte.User);
        m.Load(TestMachine.CodeBase + 0xFFC, "c.li a0,1", "addi a0,zero,7");
        m.EnterUserMode(0x1_0FFC);
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: 0x1_1000, epc: 0x1_0FFE);
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(1UL, m.Hart.InstructionsRetired);
    }

    [Fact]
    public void A_straddling_instruction_that_runs_off_the_end_of_dram_is_an_access_fault_on_the_second_half()
    {
        var m = new TestMachine();
        const ulong end = TestMachine.RamBase + TestMachine.DefaultRamSize;
        m.Dram.Write(end - 2, [0x13, 0x05]); // the low half of addi a0,zero,...
        m.Pc = end - 2;
        m.RunExpectingTrap(TrapCause.InstructionAccessFault, tval: end, epc: end - 2);
    }

    [Fact]
    public void A_compressed_instruction_in_the_last_halfword_of_a_page_does_not_touch_the_next_page()
    {
        var m = new TestMachine();
        var tables = m.EnablePaging();
        tables.Map4K(0x1_0000, TestMachine.CodeBase, Pte.Execute | Pte.User);
        m.Load(TestMachine.CodeBase + 0xFFC, "c.li a0,1", "c.li a1,2");
        m.EnterUserMode(0x1_0FFC);
        m.RunExpectingTrap(TrapCause.InstructionPageFault, tval: 0x1_1000, epc: 0x1_1000);
        Assert.Equal(1UL, m[Reg.A0]);
        Assert.Equal(2UL, m[Reg.A1]);
    }
}
