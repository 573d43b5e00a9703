using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>Demand paging and swap: a DRAM several times smaller than what a process uses.</summary>
public sealed class PagingTests
{
    private const ulong SmallDram = 128UL << 10;   // 32 frames, page tables included

    /// <summary>The checksum swap_stress prints: the wrapping sum of every word it wrote.</summary>
    internal static ulong SwapStressChecksum(int pages)
    {
        ulong sum = 0;
        for (ulong page = 0; page < (ulong)pages; page++)
            for (ulong word = 0; word < 512; word++)
            {
                ulong x = (page << 32 | word) * 0x9E37_79B9_7F4A_7C15UL;
                sum += x ^ (x >> 31);
            }
        return sum;
    }

    [Fact]
    public void A_process_using_three_times_the_DRAM_gets_every_page_back_intact()
    {
        var machine = new TestMachine(ramSize: SmallDram);
        var p = machine.Start("swap_stress", "96");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal("0", run.Value(p, "errors"));
        Assert.Equal($"0x{SwapStressChecksum(96):x16}", run.Value(p, "checksum"));
        Assert.True(run.Statistics.SwapOuts > 96, run.Describe());
        Assert.True(run.Statistics.SwapIns > 0, run.Describe());
        Assert.Equal(run.Statistics.SwapIns, run.Process(p).Statistics.SwapIns);
    }

    [Fact]
    public void The_same_program_with_enough_DRAM_never_swaps()
    {
        var machine = new TestMachine();
        var p = machine.Start("swap_stress", "96");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal($"0x{SwapStressChecksum(96):x16}", run.Value(p, "checksum"));
        Assert.Equal(0UL, run.Statistics.SwapOuts);
        Assert.Equal(0UL, run.Statistics.SwapIns);
    }

    [Fact]
    public void Pages_swapped_out_and_back_come_back_into_other_frames()
    {
        var machine = new TestMachine(ramSize: SmallDram);
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("swap_stress", "96");

        machine.Run().AssertAllExitedCleanly();

        // Pair each swap-in with the swap-out of the same object page before it.
        var lastOut = new Dictionary<(string, int), ulong>();
        int moved = 0, same = 0, ins = 0;
        foreach (var (isOut, e) in recorder.Swaps)
        {
            if (isOut)
            {
                lastOut[(e.ObjectName, e.Page)] = e.Frame;
                continue;
            }
            ins++;
            Assert.True(lastOut.TryGetValue((e.ObjectName, e.Page), out ulong left), $"{e} came back without having left");
            if (e.Frame == left) same++;
            else moved++;
        }
        Assert.True(ins > 0);
        Assert.True(moved > same, $"{moved} pages came back into another frame, {same} into the same one");
    }

    [Fact]
    public void Every_swap_in_and_swap_out_is_reported_to_the_adversary()
    {
        var machine = new TestMachine(ramSize: SmallDram);
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("swap_stress", "64");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal(run.Statistics.SwapOuts, (ulong)recorder.SwapOuts.Count);
        Assert.Equal(run.Statistics.SwapIns, (ulong)recorder.SwapIns.Count);
        Assert.All(recorder.SwapOuts, e => Assert.Contains("swap_stress", e.ObjectName, StringComparison.Ordinal));
    }

    [Fact]
    public void Pages_touched_once_every_2_MiB_under_memory_pressure_keep_their_contents()
    {
        // Almost every first touch needs a new page-table page as well as a data page while DRAM is
        // full, so the pager must not evict the data page it has just brought in for the fault.
        var machine = new TestMachine(ramSize: SmallDram);
        var p = machine.Start("swap_stress", "16", "512");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal("0", run.Value(p, "errors"));
        Assert.Equal($"0x{SwapStressChecksum(16):x16}", run.Value(p, "checksum"));
    }

    [Fact]
    public void A_process_whose_page_tables_fill_the_DRAM_is_stopped_instead_of_faulting_forever()
    {
        // 48 pages 2 MiB apart need 48 leaf page tables: more than the 32 frames of DRAM can hold
        // next to the pages an instruction needs. The kernel must end the process (out of memory),
        // not leave it faulting without progress (the test's watchdog catches that case).
        var machine = new TestMachine(ramSize: SmallDram);
        var p = machine.Start("swap_stress", "48", "512");

        var run = machine.Run();

        Assert.True(machine.Watchdog.Fired is null, run.Describe());
        Assert.NotNull(run.Process(p).KillReason);
    }

    [Fact]
    public void Two_processes_that_together_overflow_the_DRAM_both_finish_intact()
    {
        var machine = new TestMachine(ramSize: SmallDram, quantum: 20_000);
        var a = machine.Start("swap_stress", "40");
        var b = machine.Start("swap_stress", "56");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal($"0x{SwapStressChecksum(40):x16}", run.Value(a, "checksum"));
        Assert.Equal($"0x{SwapStressChecksum(56):x16}", run.Value(b, "checksum"));
        Assert.True(run.Process(a).Statistics.SwapIns > 0 && run.Process(b).Statistics.SwapIns > 0, run.Describe());
    }

    [Fact]
    public void Running_out_of_DRAM_and_swap_kills_the_process_with_a_report()
    {
        var machine = new TestMachine(ramSize: SmallDram, swapSlots: 16);
        var p = machine.Start("swap_stress", "96");

        var run = machine.Run();

        var outcome = run.Process(p);
        Assert.Equal(KernelRunEnd.AllExited, run.Outcome.End);
        Assert.Equal(128 + 11, outcome.ExitCode);
        Assert.Contains("out of memory and swap", outcome.KillReason, StringComparison.Ordinal);
    }
}
