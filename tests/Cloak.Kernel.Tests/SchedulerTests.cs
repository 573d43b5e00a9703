using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>Round-robin preemption, sleeping, spawning and waiting.</summary>
public sealed class SchedulerTests
{
    private const ulong Quantum = 20_000;

    private static (TestRun Run, RecordingAdversary Recorder, Process[] Spinners) Spinners(int count, string iterations = "600000")
    {
        var machine = new TestMachine(quantum: Quantum);
        var recorder = machine.Attach(new RecordingAdversary());
        var spinners = Enumerable.Range(0, count).Select(_ => machine.Start("spin", iterations, "4")).ToArray();
        return (machine.Run().AssertAllExitedCleanly(), recorder, spinners);
    }

    [Fact]
    public void Spinning_processes_get_equal_shares_of_the_hart_while_all_of_them_run()
    {
        var (run, recorder, spinners) = Spinners(3);

        var whileAllRan = recorder.Switches.Where(s => s.ExitedBefore == 0 && s.Instructions.Values.All(i => i > 0)).ToList();
        Assert.True(whileAllRan.Count > 50, $"only {whileAllRan.Count} switches");
        foreach (var s in whileAllRan)
        {
            ulong spread = s.Instructions.Values.Max() - s.Instructions.Values.Min();
            Assert.True(spread <= Quantum + 100, $"instruction counts {string.Join(", ", s.Instructions.Values)} differ by {spread}");
        }
        ulong most = spinners.Max(p => run.Process(p).Statistics.Instructions), least = spinners.Min(p => run.Process(p).Statistics.Instructions);
        Assert.True(most - least < 1000, $"the same program ran {least} to {most} instructions");
    }

    [Fact]
    public void A_process_that_never_yields_is_preempted_after_one_quantum()
    {
        var (run, recorder, _) = Spinners(2);

        // A turn: from a switch to a process to the switch away from it.
        var started = new Dictionary<int, ulong>();
        var turns = new List<(int Pid, ulong Length)>();
        foreach (var s in recorder.Switches)
        {
            if (s.FromPid is { } from && started.TryGetValue(from, out ulong begin)) turns.Add((from, s.FromInstructions - begin));
            started[s.ToPid] = s.Instructions[s.ToPid];
        }
        var full = turns.SkipLast(2).ToList();   // the last turns end with an exit
        Assert.True(full.Count > 100, $"only {full.Count} turns");
        Assert.All(full, t => Assert.InRange(t.Length, Quantum - 100, Quantum));
        Assert.True(run.Statistics.TimerInterrupts >= run.Statistics.Instructions / Quantum - 2, $"{run.Statistics.TimerInterrupts} timer interrupts");
    }

    [Fact]
    public void Round_robin_alternates_between_ready_processes()
    {
        var (_, recorder, spinners) = Spinners(3, "200000");

        var order = recorder.Switches.Select(s => s.ToPid).Take(30).ToList();
        int[] pids = [.. spinners.Select(p => p.Pid)];
        for (int i = 0; i < order.Count; i++) Assert.Equal(pids[i % 3], order[i]);
    }

    private static TestRun Mixed(int seed, RecordingAdversary recorder)
    {
        var machine = new TestMachine(ramSize: 256UL << 10, quantum: 7_000, seed: seed);
        machine.Attach(recorder);
        machine.Start("spin", "100000", "3");
        machine.Start("producer");
        machine.Start("consumer");
        machine.Start("swap_stress", "48");
        machine.Start("brk_mmap");
        return machine.Run().AssertAllExitedCleanly();
    }

    [Fact]
    public void The_same_programs_options_and_seed_give_an_identical_run()
    {
        RecordingAdversary first = new(), second = new();
        var a = Mixed(7, first);
        var b = Mixed(7, second);

        Assert.Equal(a.Outcome.Processes.Select(p => (p.Pid, p.Name, p.ExitCode, p.Statistics.Instructions, p.Statistics.Syscalls,
                p.Statistics.PageFaults, p.Statistics.SwapIns, p.Statistics.ContextSwitches)),
            b.Outcome.Processes.Select(p => (p.Pid, p.Name, p.ExitCode, p.Statistics.Instructions, p.Statistics.Syscalls,
                p.Statistics.PageFaults, p.Statistics.SwapIns, p.Statistics.ContextSwitches)));
        Assert.Equal(a.AllLines, b.AllLines);
        Assert.Equal(first.Trace, second.Trace);   // every event, frame and swap slot included
        Assert.True(a.Statistics.SwapOuts > 0 && a.Statistics.ContextSwitches > 100, a.Describe());
    }

    [Fact]
    public void A_different_seed_changes_the_layout_but_not_what_the_programs_compute()
    {
        RecordingAdversary first = new(), second = new();
        var a = Mixed(1, first);
        var b = Mixed(2, second);

        static string Layout(TestRun run) => run.Lines(5).Single(l => l.StartsWith("layout", StringComparison.Ordinal));
        Assert.NotEqual(Layout(a), Layout(b));
        Assert.NotEqual(first.Mapped.Select(m => m.Frame), second.Mapped.Select(m => m.Frame));
        foreach (int pid in new[] { 1, 4 }) Assert.Equal(a.Lines(pid), b.Lines(pid));
        Assert.Equal(a.Lines(5).Skip(1), b.Lines(5).Skip(1));
        Assert.Equal(a.Value(3, "checked"), b.Value(3, "checked"));
    }

    [Fact]
    public void Sleepers_wake_in_the_order_of_their_deadlines_and_sleep_at_least_as_asked()
    {
        var machine = new TestMachine();
        machine.Start("sleeper", "30", "C");
        machine.Start("sleeper", "10", "A");
        machine.Start("sleeper", "20", "B");

        var run = machine.Run().AssertAllExitedCleanly();   // each exits 1 if it woke early

        var woke = run.AllLines.Where(l => l.Line.Contains("woke", StringComparison.Ordinal)).Select(l => l.Line[0]).ToList();
        Assert.Equal(['A', 'B', 'C'], woke);
        Assert.True(run.Statistics.Instructions < 200_000, $"{run.Statistics.Instructions} instructions: sleeping should not spin");
    }

    [Fact]
    public void A_sleeper_wakes_while_another_process_keeps_the_hart_busy()
    {
        var machine = new TestMachine(quantum: Quantum);
        var sleeper = machine.Start("sleeper", "5", "S");
        var spinner = machine.Start("spin", "3000000", "2");

        var run = machine.Run().AssertAllExitedCleanly();

        int woke = run.AllLines.ToList().FindIndex(l => l.Pid == sleeper.Pid && l.Line.Contains("woke", StringComparison.Ordinal));
        int spinDone = run.AllLines.ToList().FindIndex(l => l.Pid == spinner.Pid && l.Line.EndsWith("done", StringComparison.Ordinal));
        Assert.True(woke >= 0 && woke < spinDone, run.Describe());
    }

    [Fact]
    public void A_parent_learns_each_childs_exit_code_or_the_signal_that_killed_it()
    {
        var machine = new TestMachine();
        var parent = machine.Start("spawner");

        var run = machine.Run();

        Assert.Equal(
            [
                "spawned exit7 segfault illegal",
                "spawn unknown = -2",
                "wait nohang while running = 0",
                "reaped exit7 pid ok code 7",
                "reaped segfault code 139",
                "reaped illegal code 132",
                "all children reaped",
            ],
            run.Lines(parent));
        var child = run.Outcome.Processes.Single(p => p.Name == "spawner" && p.Pid != parent.Pid);
        Assert.Equal([$"child {child.Pid} of {parent.Pid} exiting with 7"], run.Lines(child.Pid));
        Assert.Equal(0, run.Process(parent).ExitCode);
        Assert.Equal(4, run.Outcome.Processes.Count);
    }

    [Fact]
    public void Waiting_after_every_child_was_reaped_fails_with_ECHILD()
    {
        var machine = new TestMachine();
        var parent = machine.Start("spawner", "reaped");

        var run = machine.Run();
        Assert.Equal(0, parent.ExitCode);

        Assert.Equal(
            [
                "reaped child 1 code 3",
                "wait nohang after reaping = -10",
                "wait for the reaped pid = -10",
                "wait after reaping = -10",
            ],
            run.Lines(parent));
    }

    [Fact]
    public void A_child_whose_parent_exited_sees_parent_pid_0()
    {
        var machine = new TestMachine();
        machine.Start("spawner", "orphan");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal(["orphan child: parent 0", "orphan child: parent now 0"], run.Lines(2));
    }
}
