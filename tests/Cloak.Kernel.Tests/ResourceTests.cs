using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// When every process has ended, the kernel holds nothing any more: no frame, swap slot, shared
/// segment or open channel end. (Leaks here are how reference-counting mistakes show.)
/// </summary>
public sealed class ResourceTests
{
    public static TheoryData<string, ulong, string[][]> Scenarios() => new()
    {
        { "swapping", 128UL << 10, [["swap_stress", "96"]] },
        { "two swappers", 128UL << 10, [["swap_stress", "40"], ["swap_stress", "48"]] },
        { "producer and consumer", 96UL << 10, [["producer"], ["consumer"]] },
        { "shared memory", 4UL << 20, [["shm_share", "owner"], ["shm_share", "client"]] },
        { "owner exits first", 4UL << 20, [["shm_share", "owner-exits"], ["shm_share", "survivor"]] },
        { "channels", 4UL << 20, [["channel_closed_peer", "writer"], ["channel_closed_peer", "reader"]] },
        { "children and faults", 4UL << 20, [["spawner"]] },
        { "memory maps", 4UL << 20, [["brk_mmap"]] },
        { "deadlock", 4UL << 20, [["deadlock", "x", "y"], ["deadlock", "y", "x"]] },
        { "canary with swap", 128UL << 10, [["canary", "20"], ["swap_stress", "64"]] },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Once_every_process_has_ended_no_frame_slot_segment_or_channel_is_left(string scenario, ulong ram, string[][] programs)
    {
        var machine = new TestMachine(ramSize: ram, quantum: 20_000);
        foreach (var program in programs) machine.Start(program[0], program[1..]);

        var run = machine.Run();

        Assert.True(run.Outcome.End == KernelRunEnd.AllExited, $"{scenario}: {run.Describe()}");
        var kernel = machine.Kernel;
        Assert.True(kernel.Pager.Frames.Count == kernel.Pager.Frames.FreeCount,
            $"{scenario}: {kernel.Pager.Frames.Count - kernel.Pager.Frames.FreeCount} frames still in use");
        Assert.Equal(0, kernel.Swap.UsedSlots);
        Assert.Empty(kernel.Segments);
        Assert.All(kernel.Channels, c => Assert.True(c.Ends[0] is null && c.Ends[1] is null, $"{scenario}: channel '{c.Name}' still has an end"));
    }

    /// <summary>Kills a process when it makes a given system call.</summary>
    private sealed class KillAtSyscall(Syscall call) : Adversary
    {
        public override void OnSyscall(SyscallEvent e)
        {
            if (e.Number == (ulong)call && e.Process.State == ProcessState.Running) Powers.Kill(e.Process, $"killed at {call}");
        }
    }

    [Fact]
    public void A_process_killed_at_a_system_call_does_not_carry_the_call_out()
    {
        var machine = new TestMachine();
        machine.Attach(new KillAtSyscall(Syscall.ShmCreate));
        var canary = machine.Start("canary");

        var run = machine.Run();

        Assert.Equal("killed at ShmCreate", run.Process(canary).KillReason);
        Assert.Empty(machine.Kernel.Segments);
    }
}
