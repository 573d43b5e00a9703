using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// The block translator against the cases where a translated block could go wrong: code that changes
/// under it, a timer that fires inside it, a budget that ends inside it, a trap inside it, and address
/// spaces that map code differently. Each test runs the same program on the interpreter and on the
/// translator (threshold 1: every block start is translated on its first visit), expects the same
/// exact result from both, and checks that the translator really ran the code.
/// </summary>
public class TranslatorTests
{
    public static TheoryData<ExecutionEngine> Engines() => [ExecutionEngine.Interpret, ExecutionEngine.Translate];

    private static TestMachine Machine(ExecutionEngine engine, ulong cyclesPerTick = 10) =>
        new(new HartOptions { HostHandlesTraps = true, Engine = engine, TranslationThreshold = 1, CyclesPerTimerTick = cyclesPerTick });

    private static void AssertRanTranslated(TestMachine m)
    {
        if (m.Options.Engine == ExecutionEngine.Translate)
            Assert.True(m.Hart.TranslatedInstructions > 0, "no instruction ran translated");
        else
            Assert.Equal(0UL, m.Hart.TranslatedInstructions);
    }

    private static string[] PatchingLoop(bool fenceI)
    {
        var lines = new List<string>
        {
            "addi s0,zero,20",
            "loop:",
            "addi a0,a0,1",        // at CodeBase + 4: patched to addi a0,a0,100 once s0 reaches 10
            "addi s0,s0,-1",
            "bne s0,t2,skip",
            "sw t0,0(t1)",
        };
        if (fenceI) lines.Add("fence.i");
        lines.AddRange(["skip:", "bne s0,zero,loop"]);
        return [.. lines];
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_store_over_an_instruction_of_a_hot_loop_takes_effect_on_the_next_pass(ExecutionEngine engine)
    {
        var m = Machine(engine);
        m[Reg.T0] = TestMachine.Encode("addi a0,a0,100");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m[Reg.T2] = 10;
        m.Execute(PatchingLoop(fenceI: false));
        Assert.Equal(10UL + 10 * 100, m[Reg.A0]);
        AssertRanTranslated(m);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_patch_followed_by_fence_i_takes_effect_on_the_next_pass(ExecutionEngine engine)
    {
        var m = Machine(engine);
        m[Reg.T0] = TestMachine.Encode("addi a0,a0,100");
        m[Reg.T1] = TestMachine.CodeBase + 4;
        m[Reg.T2] = 10;
        m.Execute(PatchingLoop(fenceI: true));
        Assert.Equal(10UL + 10 * 100, m[Reg.A0]);
        AssertRanTranslated(m);
    }

    private static readonly string[] CountingLoop = ["loop:", "addi a0,a0,1", "bne a0,t0,loop", "ecall"];

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_timer_interrupt_lands_on_its_exact_cycle_inside_a_hot_loop(ExecutionEngine engine)
    {
        // One tick per cycle: the interrupt is due after 10,001 instructions, 5,000 passes and one addi.
        var m = Machine(engine, cyclesPerTick: 1);
        m[Reg.T0] = 1_000_000;
        m.Load(TestMachine.CodeBase, CountingLoop);
        m.Clint.Mtimecmp = 10_001;
        m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
        m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);

        m.RunExpectingTrap(TrapCause.MachineTimerInterrupt, tval: 0, epc: TestMachine.CodeBase + 4);
        Assert.Equal(5_001UL, m[Reg.A0]);
        Assert.Equal(10_001UL, m.Hart.InstructionsRetired);
        Assert.Equal(10_001UL, m.Hart.Cycles);
        AssertRanTranslated(m);
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpret, 1)]
    [InlineData(ExecutionEngine.Translate, 1)]
    [InlineData(ExecutionEngine.Translate, 2)]
    [InlineData(ExecutionEngine.Translate, 3)]
    [InlineData(ExecutionEngine.Translate, 100)]
    [InlineData(ExecutionEngine.Translate, 101)]
    [InlineData(ExecutionEngine.Interpret, 99_999)]
    [InlineData(ExecutionEngine.Translate, 99_999)]
    [InlineData(ExecutionEngine.Translate, 100_000)]
    public void A_run_stops_after_exactly_the_instructions_it_was_given(ExecutionEngine engine, long budget)
    {
        var m = Machine(engine);
        m[Reg.T0] = 1_000_000;
        m.Load(TestMachine.CodeBase, CountingLoop);

        var result = m.Run(budget);

        Assert.Equal(StopReason.InstructionLimit, result.Reason);
        Assert.Equal(budget, result.InstructionsRetired);
        Assert.Equal((ulong)budget, m.Hart.InstructionsRetired);
        Assert.Equal((ulong)(budget + 1) / 2, m[Reg.A0]);
        Assert.Equal(TestMachine.Hex(TestMachine.CodeBase + (budget % 2 == 1 ? 4UL : 0)), TestMachine.Hex(m.Pc));
        if (budget > 100) AssertRanTranslated(m);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_load_that_faults_in_the_middle_of_a_hot_block_traps_with_the_exact_pc_mtval_and_count(ExecutionEngine engine)
    {
        const ulong ramEnd = TestMachine.RamBase + TestMachine.DefaultRamSize;
        var m = Machine(engine);
        m[Reg.T1] = ramEnd - 8 * 100;   // 100 loads inside RAM, the 101st just past its end
        m.Load(TestMachine.CodeBase, "loop:", "addi a0,a0,1", "ld a1,0(t1)", "addi t1,t1,8", "jal zero,loop");

        m.RunExpectingTrap(TrapCause.LoadAccessFault, tval: ramEnd, epc: TestMachine.CodeBase + 4);
        Assert.Equal(101UL, m[Reg.A0]);
        Assert.Equal(100UL * 4 + 1, m.Hart.InstructionsRetired);
        Assert.Equal(100UL * 4 + 1, m.Hart.ReadCsr(CsrAddress.Minstret));
        AssertRanTranslated(m);
    }

    private const ulong CodeVa = 0x1000;
    private const ulong OtherCodePa = TestMachine.CodeBase + 0x2000;

    [Theory]
    [MemberData(nameof(Engines))]
    public void After_a_satp_switch_the_same_virtual_address_runs_the_other_space_s_code(ExecutionEngine engine)
    {
        var m = Machine(engine);
        var first = new PageTables(m.Dram, TestMachine.PageTableArea);
        var second = new PageTables(m.Dram, TestMachine.PageTableArea + 0x1_0000);
        first.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        second.Map4K(CodeVa, OtherCodePa, Pte.Execute | Pte.User);
        string[] Loop(int step) => ["addi s0,zero,50", "loop:", $"addi a0,a0,{step}", "addi s0,s0,-1", "bne s0,zero,loop", "ecall"];
        m.Load(TestMachine.CodeBase, Loop(1));
        m.Load(OtherCodePa, Loop(1000));

        RunInUserMode(m, first.Satp);
        Assert.Equal(50UL, m[Reg.A0]);
        RunInUserMode(m, second.Satp);
        Assert.Equal(50UL + 50 * 1000, m[Reg.A0]);
        RunInUserMode(m, first.Satp);
        Assert.Equal(100UL + 50 * 1000, m[Reg.A0]);
        AssertRanTranslated(m);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Code_mapped_at_two_virtual_addresses_sees_its_own_pc_at_each(ExecutionEngine engine)
    {
        const ulong otherVa = 0x5000;
        var m = Machine(engine);
        var tables = new PageTables(m.Dram, TestMachine.PageTableArea);
        tables.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        tables.Map4K(otherVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        m.Load(TestMachine.CodeBase, "addi s0,zero,20", "loop:", "auipc a1,0", "addi s0,s0,-1", "bne s0,zero,loop", "ecall");

        RunInUserMode(m, tables.Satp);
        Assert.Equal(CodeVa + 4, m[Reg.A1]);
        RunInUserMode(m, tables.Satp, otherVa);
        Assert.Equal(otherVa + 4, m[Reg.A1]);
        AssertRanTranslated(m);
    }

    [Fact]
    public void A_hart_with_default_options_runs_the_engine_CLOAK_ENGINE_names()
    {
        // The interpreter-only suite (CLOAK_ENGINE=interp dotnet test) relies on this: harts built
        // without an explicit engine take it from the environment, and then really do not translate.
        var expected = HartOptions.ParseEngine(Environment.GetEnvironmentVariable("CLOAK_ENGINE")) ?? ExecutionEngine.Translate;
        var m = new TestMachine(new HartOptions { HostHandlesTraps = true, TranslationThreshold = 1 });
        m[Reg.T0] = 1_000;
        m.Load(TestMachine.CodeBase, CountingLoop);
        m.RunToEcall();

        Assert.Equal(expected, m.Options.Engine);
        Assert.Equal(1_000UL, m[Reg.A0]);
        AssertRanTranslated(m);
    }

    [Fact]
    public void Two_copies_of_a_program_in_two_address_spaces_share_translated_blocks_and_keep_their_own_results()
    {
        var m = Machine(ExecutionEngine.Translate);
        var first = new PageTables(m.Dram, TestMachine.PageTableArea);
        var second = new PageTables(m.Dram, TestMachine.PageTableArea + 0x1_0000);
        first.Map4K(CodeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        second.Map4K(CodeVa, OtherCodePa, Pte.Execute | Pte.User);
        string[] loop = ["addi s0,zero,50", "loop:", "addi a0,a0,3", "addi s0,s0,-1", "bne s0,zero,loop", "ecall"];
        m.Load(TestMachine.CodeBase, loop);
        m.Load(OtherCodePa, loop);

        RunInUserMode(m, first.Satp);
        ulong compiledByFirst = m.Hart.BlocksTranslated;
        Assert.Equal(0UL, m.Hart.BlocksReused);
        RunInUserMode(m, second.Satp);

        Assert.Equal(300UL, m[Reg.A0]);
        Assert.True(compiledByFirst > 0);
        // The second copy's page translated its blocks too, but every one of them took the first's function.
        Assert.Equal(compiledByFirst, m.Hart.BlocksReused);
        Assert.Equal(2 * compiledByFirst, m.Hart.BlocksTranslated);
    }

    private static void RunInUserMode(TestMachine m, ulong satp, ulong pc = CodeVa)
    {
        m.Hart.Privilege = Privilege.Machine;
        m.SetCsr(CsrAddress.Satp, satp);
        m.EnterUserMode(pc);
        m.RunToEcall();
    }
}
