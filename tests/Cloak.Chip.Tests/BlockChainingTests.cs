using Cloak.Chip.Cpu;
using Cloak.Chip.Tests.Support;
using Cloak.Isa;

namespace Cloak.Chip.Tests;

/// <summary>
/// Block chaining and the recompile limit of the translator (issue 11, item 1). A loop of two blocks
/// that jump to each other on one page runs with the blocks linked, so the dispatcher is skipped; each
/// test runs the same program on the interpreter (the reference) and on the translator (threshold 1)
/// and expects the same exact state, counts and stopping point from both.
/// </summary>
public class BlockChainingTests
{
    private static TestMachine Machine(ExecutionEngine engine, ulong cyclesPerTick = 10, int recompileLimit = 16) =>
        new(new HartOptions
        {
            HostHandlesTraps = true, Engine = engine, TranslationThreshold = 1, CyclesPerTimerTick = cyclesPerTick,
            RecompileLimit = recompileLimit,
        });

    // Two blocks that jump to each other: [addi; jal] and [addi; bne]. t0 is the pass count.
    private static readonly string[] PingPong =
    [
        "loop:",
        "addi a0,a0,1",
        "jal zero,second",
        "ecall",
        "second:",
        "addi a1,a1,2",
        "bne a0,t0,loop",
        "ecall",
    ];

    private static TestMachine PingPongMachine(ExecutionEngine engine, ulong passes, ulong cyclesPerTick = 10)
    {
        var m = Machine(engine, cyclesPerTick);
        m[Reg.T0] = passes;
        m.Load(TestMachine.CodeBase, PingPong);
        return m;
    }

    private static void AssertSameState(TestMachine interpreted, TestMachine translated)
    {
        Assert.Equal(TestMachine.Hex(interpreted.Pc), TestMachine.Hex(translated.Pc));
        Assert.Equal(interpreted.Hart.InstructionsRetired, translated.Hart.InstructionsRetired);
        Assert.Equal(interpreted.Hart.Cycles, translated.Hart.Cycles);
        Assert.Equal(interpreted[Reg.A0], translated[Reg.A0]);
        Assert.Equal(interpreted[Reg.A1], translated[Reg.A1]);
        Assert.Equal(0UL, interpreted.Hart.TranslatedInstructions);
    }

    [Fact]
    public void Two_hot_blocks_that_jump_to_each_other_are_linked_and_retire_what_the_interpreter_retires()
    {
        // 300,000 passes: far more block exits in one slice than a chain may take without returning,
        // so the run also shows the chain's bound holds (no host stack overflow, exact counts).
        var interpreted = PingPongMachine(ExecutionEngine.Interpret, 300_000);
        var translated = PingPongMachine(ExecutionEngine.Translate, 300_000);

        interpreted.RunToEcall(2_000_000);
        translated.RunToEcall(2_000_000);

        AssertSameState(interpreted, translated);
        Assert.Equal(300_000UL, translated[Reg.A0]);
        Assert.True(translated.Hart.BlockLinksMade >= 2, $"links made: {translated.Hart.BlockLinksMade}");
        Assert.True(translated.Hart.TranslatedInstructions >= 4 * 299_000UL, $"translated: {translated.Hart.TranslatedInstructions}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    [InlineData(99_999)]
    public void A_run_through_linked_blocks_stops_after_exactly_the_instructions_it_was_given(long budget)
    {
        var interpreted = PingPongMachine(ExecutionEngine.Interpret, 1_000_000);
        var translated = PingPongMachine(ExecutionEngine.Translate, 1_000_000);

        var expected = interpreted.Run(budget);
        var result = translated.Run(budget);

        Assert.Equal(StopReason.InstructionLimit, result.Reason);
        Assert.Equal(expected, result);
        Assert.Equal((ulong)budget, translated.Hart.InstructionsRetired);
        AssertSameState(interpreted, translated);
    }

    [Fact]
    public void A_timer_interrupt_lands_on_its_exact_cycle_inside_a_chain_of_linked_blocks()
    {
        // One tick per cycle; 10,003 instructions are 2,500 passes of four and three more.
        TestMachine Start(ExecutionEngine engine)
        {
            var m = PingPongMachine(engine, 1_000_000, cyclesPerTick: 1);
            m.Clint.Mtimecmp = 10_003;
            m.SetCsr(CsrAddress.Mie, Hart.InterruptMti);
            m.SetCsr(CsrAddress.Mstatus, Hart.MstatusMie);
            return m;
        }
        var interpreted = Start(ExecutionEngine.Interpret);
        var translated = Start(ExecutionEngine.Translate);

        interpreted.RunExpectingTrap(TrapCause.MachineTimerInterrupt, tval: 0);
        translated.RunExpectingTrap(TrapCause.MachineTimerInterrupt, tval: 0, epc: interpreted.Hart.Mepc);

        Assert.Equal(10_003UL, translated.Hart.InstructionsRetired);
        AssertSameState(interpreted, translated);
        Assert.True(translated.Hart.BlockLinksMade >= 2, $"links made: {translated.Hart.BlockLinksMade}");
    }

    // A loop that stores into a word of its own code page on every pass: each store drops the page's
    // decoded code and translated blocks, which the translator would otherwise build again every pass.
    private static readonly string[] StoresIntoItsOwnPage =
    [
        "addi s0,zero,200",
        "loop:",
        "addi a0,a0,1",
        "sw a0,0(t1)",
        "addi s0,s0,-1",
        "bne s0,zero,loop",
        "ecall",
    ];

    private const ulong DataOnTheCodePage = TestMachine.CodeBase + 0x800;

    private static TestMachine RunStoringLoop(ExecutionEngine engine, int recompileLimit)
    {
        var m = Machine(engine, recompileLimit: recompileLimit);
        m[Reg.T1] = DataOnTheCodePage;
        m.Load(TestMachine.CodeBase, StoresIntoItsOwnPage);
        m.RunToEcall();
        return m;
    }

    [Fact]
    public void A_page_whose_blocks_keep_being_dropped_stays_interpreted_after_the_recompile_limit()
    {
        var interpreted = RunStoringLoop(ExecutionEngine.Interpret, recompileLimit: 4);
        var limited = RunStoringLoop(ExecutionEngine.Translate, recompileLimit: 4);
        var unlimited = RunStoringLoop(ExecutionEngine.Translate, recompileLimit: ushort.MaxValue);

        AssertSameState(interpreted, limited);
        AssertSameState(interpreted, unlimited);
        Assert.Equal(200UL, limited[Reg.A0]);
        Assert.Equal(200U, limited.ReadU32(DataOnTheCodePage));
        // Without a limit (nearly) every one of the 200 passes translates a block again; with it, four rounds of two blocks at most.
        Assert.True(unlimited.Hart.BlocksTranslated >= 190, $"unlimited: {unlimited.Hart.BlocksTranslated} blocks");
        Assert.Equal(0UL, unlimited.Hart.PagesLeftInterpreted);
        Assert.True(limited.Hart.BlocksTranslated <= 2 * 5, $"limited: {limited.Hart.BlocksTranslated} blocks");
        Assert.Equal(1UL, limited.Hart.PagesLeftInterpreted);
    }

    [Fact]
    public void Code_dropped_because_its_key_left_the_key_table_is_translated_again_however_often_that_happens()
    {
        // A key eviction drops the decoded code under that key without changing it (large sharing
        // groups evict keys often); unlike stores into the page, it must not leave the page interpreted.
        var m = Machine(ExecutionEngine.Translate, recompileLimit: 2);
        m[Reg.T0] = 1_000_000_000; // more passes than the test runs
        m.Load(TestMachine.CodeBase, PingPong);
        for (int eviction = 0; eviction < 6; eviction++)
        {
            m.Run(10_000);
            m.Hart.DropCodeOfKey(0); // plain code is decoded under key slot 0
        }
        ulong translatedBefore = m.Hart.BlocksTranslated, instructionsBefore = m.Hart.TranslatedInstructions;
        m.Run(10_000);

        Assert.Equal(0UL, m.Hart.PagesLeftInterpreted);
        Assert.True(m.Hart.BlocksTranslated > translatedBefore, "the page's blocks were not translated again after the last eviction");
        Assert.True(m.Hart.TranslatedInstructions - instructionsBefore > 9_000, $"{m.Hart.TranslatedInstructions - instructionsBefore} of 10,000 instructions ran translated");
    }

    [Fact]
    public void Linked_blocks_whose_functions_two_address_spaces_share_give_each_space_its_own_results()
    {
        // The same code at the same virtual address in two spaces, on two physical pages: the second
        // space's blocks reuse the first's functions and are linked too. (Which page's links a shared
        // function follows is not visible in the results, the code being the same; the design keeps
        // them apart by reading the links of the block the hart runs, see Hart.BlockCompiler.cs.)
        const ulong codeVa = 0x1000, otherPa = TestMachine.CodeBase + 0x2000;
        var m = Machine(ExecutionEngine.Translate);
        var first = new PageTables(m.Dram, TestMachine.PageTableArea);
        var second = new PageTables(m.Dram, TestMachine.PageTableArea + 0x1_0000);
        first.Map4K(codeVa, TestMachine.CodeBase, Pte.Execute | Pte.User);
        second.Map4K(codeVa, otherPa, Pte.Execute | Pte.User);
        m.Load(TestMachine.CodeBase, PingPong);
        m.Load(otherPa, PingPong);

        foreach (var (satp, passes) in new[] { (first.Satp, 1_000UL), (second.Satp, 3_000UL), (first.Satp, 5_000UL) })
        {
            m[Reg.A0] = m[Reg.A1] = 0;
            m[Reg.T0] = passes;
            m.Hart.Privilege = Privilege.Machine;
            m.SetCsr(CsrAddress.Satp, satp);
            m.EnterUserMode(codeVa);
            m.RunToEcall();
            Assert.Equal(passes, m[Reg.A0]);
            Assert.Equal(2 * passes, m[Reg.A1]);
        }
        Assert.True(m.Hart.BlocksReused > 0, "the second space took no shared function");
        Assert.True(m.Hart.BlockLinksMade >= 4, $"links made: {m.Hart.BlockLinksMade}");
    }

    [Fact]
    public void A_recompile_limit_outside_1_to_65535_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HartOptions { RecompileLimit = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HartOptions { RecompileLimit = 65_536 }.Validate());
    }
}
