using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// A guest fault kills only the faulting process, with a report naming the cause, the pc and the
/// address, while the others run to completion; a deadlock is detected and reported, not a hang.
/// </summary>
public sealed class FaultTests
{
    private static (TestRun Run, Process Faulty, Process Bystander) WithBystander(string program, params string[] arguments)
    {
        var machine = new TestMachine(quantum: 20_000);
        var bystander = machine.Start("spin", "300000", "2");
        var faulty = machine.Start(program, arguments);
        return (machine.Run(), faulty, bystander);
    }

    private static void AssertBystanderFinished(TestRun run, Process bystander)
    {
        Assert.Equal(KernelRunEnd.AllExited, run.Outcome.End);
        Assert.Equal(0, run.Process(bystander).ExitCode);
        Assert.Null(run.Process(bystander).KillReason);
        Assert.EndsWith(": done", run.Lines(bystander)[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("load", "load page fault", "segfault_load", 0xdead_0000UL)]
    [InlineData("store", "store/AMO page fault", "segfault_store", 0xdead_0000UL)]
    [InlineData("null", "store/AMO page fault", "segfault_store", 0UL)]
    public void A_bad_data_access_kills_only_that_process_naming_cause_pc_and_address(string mode, string cause, string function, ulong address)
    {
        var (run, faulty, bystander) = WithBystander("segfault", mode);

        var outcome = run.Process(faulty);
        Assert.Equal(128 + 11, outcome.ExitCode);   // SIGSEGV
        Assert.Matches($@"^{cause.Replace("/", "\\/", StringComparison.Ordinal)} at pc 0x[0-9a-f]+, address 0x{address:x} \(no mapping\)$", outcome.KillReason);
        ulong pc = ParsePc(outcome.KillReason!);
        ulong start = GuestPrograms.Symbol("segfault", function);
        Assert.InRange(pc, start, start + 16);
        Assert.Equal([$"segfault: about to {mode} 0x{address:x}"], run.Lines(faulty));
        AssertBystanderFinished(run, bystander);
    }

    [Fact]
    public void Jumping_to_an_unmapped_address_is_an_instruction_page_fault_at_that_pc()
    {
        var (run, faulty, bystander) = WithBystander("segfault", "fetch");

        var outcome = run.Process(faulty);
        Assert.Equal(128 + 11, outcome.ExitCode);
        Assert.Equal("instruction page fault at pc 0xdead0000, address 0xdead0000 (no mapping)", outcome.KillReason);
        AssertBystanderFinished(run, bystander);
    }

    [Theory]
    [InlineData("zero", "illegal_zero", 0UL)]
    [InlineData("csr", "illegal_csr", 0x3000_22F3UL)]   // csrr t0, mstatus
    public void An_illegal_instruction_kills_only_that_process_naming_the_pc(string mode, string label, ulong bits)
    {
        var (run, faulty, bystander) = WithBystander("illegal", mode);

        var outcome = run.Process(faulty);
        Assert.Equal(128 + 4, outcome.ExitCode);   // SIGILL
        Assert.Equal($"illegal instruction at pc 0x{GuestPrograms.Symbol("illegal", label):x}, address 0x{bits:x}", outcome.KillReason);
        Assert.Single(run.Lines(faulty));
        AssertBystanderFinished(run, bystander);
    }

    [Theory]
    [InlineData("after-munmap", "load page fault", "no mapping")]
    [InlineData("prot-none", "load page fault", "access not permitted")]
    [InlineData("read-only-write", "store/AMO page fault", "access not permitted")]
    public void Touching_memory_the_process_may_not_touch_kills_it_with_the_reason(string mode, string cause, string why)
    {
        var (run, faulty, bystander) = WithBystander("brk_mmap", mode);

        var outcome = run.Process(faulty);
        string touched = run.Lines(faulty).Single(l => l.StartsWith(mode + ": touching", StringComparison.Ordinal)).Split(' ')[^1];
        Assert.Equal(128 + 11, outcome.ExitCode);
        Assert.StartsWith($"{cause} at pc 0x", outcome.KillReason, StringComparison.Ordinal);
        Assert.EndsWith($"address {touched} ({why})", outcome.KillReason, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Lines(faulty), l => l.Contains("still alive", StringComparison.Ordinal));
        AssertBystanderFinished(run, bystander);
    }

    [Fact]
    public void A_killed_process_gives_back_all_its_memory()
    {
        var (run, _, _) = WithBystander("segfault", "load");
        Assert.Equal(KernelRunEnd.AllExited, run.Outcome.End);

        var machine = new TestMachine();
        machine.Start("swap_stress", "64");
        machine.Start("segfault");
        machine.Run();
        Assert.Equal(machine.Kernel.Pager.Frames.Count, machine.Kernel.Pager.Frames.FreeCount);
        Assert.Equal(0, machine.Kernel.Swap.UsedSlots);
    }

    private static (TestRun Run, Process A, Process B, Process Bystander) Deadlock()
    {
        var machine = new TestMachine(quantum: 20_000);
        var a = machine.Start("deadlock", "dl-a", "dl-b");
        var b = machine.Start("deadlock", "dl-b", "dl-a");
        var bystander = machine.Start("spin", "300000", "2");
        return (machine.Run(), a, b, bystander);
    }

    [Fact]
    public void Two_processes_receiving_from_each_other_are_reported_as_deadlocked_instead_of_hanging()
    {
        var (run, a, b, bystander) = Deadlock();

        AssertBystanderFinished(run, bystander);
        Assert.Equal(128 + 9, run.Process(a).ExitCode);
        Assert.Equal(128 + 9, run.Process(b).ExitCode);
        Assert.Equal("deadlock: receiving on channel 'dl-b' with no process left that could wake it", run.Process(a).KillReason);
        Assert.StartsWith("deadlock: ", run.Process(b).KillReason, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Lines(a), l => l.Contains("woke", StringComparison.Ordinal));
        Assert.True(run.Statistics.Instructions < 5_000_000, $"{run.Statistics.Instructions} instructions");
    }

    [Fact]
    public void Every_deadlocked_process_is_told_what_it_was_waiting_for()
    {
        var (run, _, b, _) = Deadlock();

        Assert.Equal("deadlock: receiving on channel 'dl-a' with no process left that could wake it", run.Process(b).KillReason);
    }

    private static ulong ParsePc(string reason)
    {
        int at = reason.IndexOf("pc 0x", StringComparison.Ordinal) + 5;
        int end = reason.IndexOf(',', at);
        return Convert.ToUInt64(reason[at..end], 16);
    }
}
