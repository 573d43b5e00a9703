using System.Text;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// Every adversary hook is called where the kernel acts, and what a hook changes takes effect:
/// syscall arguments and results, the frame a page is mapped to, swap slots on their way back,
/// channel messages; plus the powers (kill, saved contexts) the kernel hands an adversary.
/// </summary>
public sealed class AdversaryHookTests
{
    private sealed class Hooks(Action<SyscallEvent>? before = null, Action<SyscallEvent>? after = null,
        Action<AdversaryPowers, PageEvent>? mapped = null, Action<AdversaryPowers, SwapEvent>? swapIn = null,
        Action<AdversaryPowers, SwapEvent>? swapOut = null, Action<AdversaryPowers, ContextSwitchEvent>? switched = null,
        Action<AdversaryPowers, ChannelMessageEvent>? message = null, Action<AdversaryPowers, PageEvent>? unmapped = null) : Adversary
    {
        public override void OnSyscall(SyscallEvent e) => before?.Invoke(e);
        public override void OnSyscallReturn(SyscallEvent e) => after?.Invoke(e);
        public override void OnPageMapped(PageEvent e) => mapped?.Invoke(Powers, e);
        public override void OnPageUnmapped(PageEvent e) => unmapped?.Invoke(Powers, e);
        public override void OnSwapIn(SwapEvent e) => swapIn?.Invoke(Powers, e);
        public override void OnSwapOut(SwapEvent e) => swapOut?.Invoke(Powers, e);
        public override void OnContextSwitch(ContextSwitchEvent e) => switched?.Invoke(Powers, e);
        public override void OnChannelMessage(ChannelMessageEvent e) => message?.Invoke(Powers, e);
    }

    private static bool Is(SyscallEvent e, Syscall call) => e.Number == (ulong)call;

    [Fact]
    public void An_attached_adversary_is_told_and_gets_the_kernels_powers()
    {
        var machine = new TestMachine();
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("hello");

        machine.Run().AssertAllExitedCleanly();

        Assert.True(recorder.Attached);
        Assert.Equal("attached", recorder.Trace[0]);
        Assert.Equal(1, recorder.Shutdowns);
        Assert.Equal("shutdown", recorder.Trace[^1]);
    }

    [Fact]
    public void Process_start_and_exit_hooks_see_every_process_and_how_it_ended()
    {
        var machine = new TestMachine();
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("spawner");

        machine.Run();

        Assert.Equal([(1, "spawner"), (2, "spawner"), (3, "segfault"), (4, "illegal")], recorder.Started.Select(s => (s.Pid, s.Name)));
        Assert.All(recorder.Started, s => Assert.Equal(ProcessState.Ready, s.State));
        var exits = recorder.Exited.ToDictionary(e => e.Pid);
        Assert.Equal(4, exits.Count);
        Assert.Equal((7, (string?)null), (exits[2].ExitCode, exits[2].KillReason));
        Assert.Equal(139, exits[3].ExitCode);
        Assert.StartsWith("load page fault", exits[3].KillReason, StringComparison.Ordinal);
        Assert.Equal(132, exits[4].ExitCode);
        Assert.Equal((0, (string?)null), (exits[1].ExitCode, exits[1].KillReason));
        Assert.Equal(1, recorder.Exited[^1].Pid);
    }

    [Fact]
    public void The_syscall_hooks_see_every_call_with_its_arguments_before_and_its_result_after()
    {
        var machine = new TestMachine();
        var recorder = machine.Attach(new RecordingAdversary());
        var p = machine.Start("hello");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal(run.Process(p).Statistics.Syscalls, (ulong)recorder.Syscalls.Count);
        var write = recorder.Syscalls.First(s => s.Number == (ulong)Syscall.Write);
        string line = run.Lines(p)[0] + "\n";
        Assert.Equal(1UL, write.Arguments[0]);
        Assert.Equal((ulong)line.Length, write.Arguments[2]);
        Assert.Null(write.Result);
        var written = recorder.SyscallReturns.First(s => s.Number == (ulong)Syscall.Write);
        Assert.Equal(line.Length, written.Result);
        Assert.Equal((ulong)Syscall.ExitGroup, recorder.Syscalls[^1].Number);
        Assert.DoesNotContain(recorder.SyscallReturns, s => s.Number == (ulong)Syscall.ExitGroup);   // exit does not return
    }

    [Fact]
    public void An_adversary_that_changes_a_syscalls_arguments_changes_what_the_kernel_does()
    {
        var machine = new TestMachine();
        machine.Attach(new Hooks(before: e => { if (Is(e, Syscall.ExitGroup)) e.Arguments[0] = 42; }));
        var p = machine.Start("hello");

        var run = machine.Run();

        Assert.Equal(42, run.Process(p).ExitCode);
        Assert.Null(run.Process(p).KillReason);
    }

    [Fact]
    public void An_adversary_that_answers_a_syscall_itself_keeps_the_kernel_from_running_it()
    {
        var machine = new TestMachine();
        var recorder = new RecordingAdversary();
        machine.Attach(new Hooks(before: e => { if (Is(e, Syscall.Write)) e.Result = (long)e.Arguments[2]; }));
        machine.Attach(recorder);
        var p = machine.Start("hello");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal("", run.Output(p));   // the program believes it printed its lines
        Assert.Contains(recorder.SyscallReturns, s => s.Number == (ulong)Syscall.Write && s.Result == (long)s.Arguments[2]);
    }

    [Fact]
    public void An_adversary_that_changes_a_syscalls_result_changes_what_the_process_sees()
    {
        var machine = new TestMachine();
        machine.Attach(new Hooks(after: e =>
        {
            if (Is(e, Syscall.GetPid)) e.Result = 4242;
            if (Is(e, Syscall.GetPpid)) e.Result = 7;
        }));
        var p = machine.Start("hello");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal("hello from process 4242 (parent 7)", run.Lines(p)[0]);
    }

    [Fact]
    public void The_page_mapped_hook_can_put_another_processs_frame_behind_a_page()
    {
        ulong window = GuestPrograms.Symbol("spy", "spy_window");
        ulong secretPage = GuestPrograms.Symbol("canary", "canary_data") & ~0xFFFUL;
        var machine = new TestMachine(quantum: 20_000);
        bool substituted = false;
        machine.Attach(new Hooks(mapped: (powers, e) =>
        {
            if (e.Process.Name != "spy" || e.VirtualAddress != window || powers.Find("canary") is not { } victim) return;
            var page = powers.ResidentPages(victim).FirstOrDefault(r => r.VirtualAddress == secretPage);
            if (page.Frame == 0) return;
            e.Frame = page.Frame;
            substituted = true;
        }));
        machine.Start("canary", "30");
        var spy = machine.Start("spy", Canary.SpyArguments("window", 5));

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.True(substituted);
        Assert.Contains($"found {Canary.Prefix(0)}: {Canary.Hex(0)}", run.Lines(spy));
    }

    [Fact]
    public void The_page_unmapped_hook_sees_each_page_leave_with_the_frame_it_was_mapped_to()
    {
        var machine = new TestMachine(ramSize: 128UL << 10);
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("swap_stress", "64");

        var run = machine.Run().AssertAllExitedCleanly();

        var current = new Dictionary<(int, ulong), ulong>();
        int unmaps = 0;
        foreach (string entry in recorder.Trace)
        {
            string[] parts = entry.Split(' ');
            if (parts[0] == "map") current[(1, Convert.ToUInt64(parts[2], 16))] = Convert.ToUInt64(parts[3], 16);
            if (parts[0] != "unmap") continue;
            unmaps++;
            var key = (1, Convert.ToUInt64(parts[2], 16));
            Assert.True(current.Remove(key, out ulong frame), $"{entry} was never mapped");
            Assert.Equal(frame, Convert.ToUInt64(parts[3], 16));
        }
        Assert.True(unmaps >= (int)run.Statistics.SwapOuts / 2, $"{unmaps} unmaps for {run.Statistics.SwapOuts} swap-outs");
        Assert.Empty(current);   // everything mapped left again, by eviction or at exit
    }

    [Fact]
    public void The_context_switch_hook_sees_every_switch_with_both_processes()
    {
        var machine = new TestMachine(quantum: 20_000);
        var recorder = machine.Attach(new RecordingAdversary());
        var a = machine.Start("spin", "100000", "1");
        var b = machine.Start("spin", "100000", "1");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal(run.Statistics.ContextSwitches, (ulong)recorder.Switches.Count);
        Assert.Equal((null, a.Pid), (recorder.Switches[0].FromPid, recorder.Switches[0].ToPid));
        Assert.Equal((a.Pid, b.Pid), (recorder.Switches[1].FromPid, recorder.Switches[1].ToPid));
        Assert.All(recorder.Switches.Skip(1), s => Assert.NotEqual(s.FromPid, s.ToPid));
    }

    [Fact]
    public void The_swap_out_hook_finds_the_pages_bytes_in_its_slot()
    {
        var machine = new TestMachine(ramSize: 128UL << 10);
        int checkedSlots = 0;
        machine.Attach(new Hooks(swapOut: (powers, e) =>
        {
            // The frame is free again but still holds the bytes that went to swap.
            Assert.True(powers.Swap.Slot(e.Slot).SequenceEqual(powers.Memory.Read(e.Frame << 12, 4096)), $"{e}: slot differs from the frame");
            checkedSlots++;
        }));
        machine.Start("swap_stress", "64");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal((int)run.Statistics.SwapOuts, checkedSlots);
    }

    [Fact]
    public void The_swap_in_hook_can_rewrite_a_slot_before_the_page_comes_back()
    {
        ulong value = GuestPrograms.Symbol("ticker", "ticker_value");
        var machine = new TestMachine(ramSize: 128UL << 10);
        ulong frameOfValue = 0;
        (string Object, int Page)? target = null;
        int rewritten = 0;
        machine.Attach(new Hooks(
            unmapped: (_, e) => { if (e.Process.Name == "ticker" && e.VirtualAddress == value) frameOfValue = e.Frame; },
            swapOut: (_, e) => { if (e.Frame == frameOfValue && target is null) target = (e.ObjectName, e.Page); },
            swapIn: (powers, e) =>
            {
                if (target != (e.ObjectName, e.Page) || rewritten > 0) return;
                BitConverter.TryWriteBytes(powers.Swap.Slot(e.Slot)[(int)(value & 0xFFF)..], 0xDEADUL);
                rewritten++;
            }));
        var ticker = machine.Start("ticker", "4", "48");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Equal(1, rewritten);
        Assert.Matches(@"^round \d: wrote \d, read 57005$", run.Lines(ticker)[0]);
    }

    private static (TestRun Run, Process Receiver, Process Sender) Stream(Adversary adversary, int count = 5)
    {
        var machine = new TestMachine();
        machine.Attach(adversary);
        var sender = machine.Start("channel_pingpong", "send", $"{count}");
        var receiver = machine.Start("channel_pingpong", "recv");
        return (machine.Run().AssertAllExitedCleanly(), receiver, sender);
    }

    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    [Fact]
    public void The_channel_message_hook_can_rewrite_a_message()
    {
        var (run, receiver, _) = Stream(new Hooks(message: (_, e) =>
        {
            if (Text(e.Payload) == "message 2") e.Payload = "forged by the kernel"u8.ToArray();
        }));

        Assert.Equal(["recv got: message 0", "recv got: message 1", "recv got: forged by the kernel", "recv got: message 3", "recv got: message 4", "recv: end of file"],
            run.Lines(receiver));
    }

    [Fact]
    public void The_channel_message_hook_can_drop_a_message_while_the_sender_sees_success()
    {
        var (run, receiver, sender) = Stream(new Hooks(message: (_, e) => e.Drop = Text(e.Payload) == "message 3"));

        Assert.DoesNotContain("recv got: message 3", run.Lines(receiver));
        Assert.Contains("recv got: message 4", run.Lines(receiver));
        Assert.Equal(["send: closing = 0"], run.Lines(sender));   // no "send 3 = ..." complaint
    }

    [Fact]
    public void An_adversary_can_inject_a_message_the_receiver_takes_for_its_peers()
    {
        bool injected = false;
        var (run, receiver, _) = Stream(new Hooks(message: (powers, e) =>
        {
            if (Text(e.Payload) != "message 1" || injected) return;
            injected = powers.InjectMessage("pingpong", toSide: 1, "injected"u8.ToArray());
        }));

        Assert.True(injected);
        Assert.Equal(["recv got: message 0", "recv got: injected", "recv got: message 1"], run.Lines(receiver).Take(3));
    }

    [Fact]
    public void The_shutdown_hook_runs_once_when_the_instruction_limit_stops_the_machine()
    {
        var machine = new TestMachine(maxInstructions: 200_000);
        var recorder = machine.Attach(new RecordingAdversary());
        machine.Start("spin", "10000000", "1");

        var run = machine.Run();

        Assert.Equal(KernelRunEnd.InstructionLimit, run.Outcome.End);
        Assert.Equal(1, recorder.Shutdowns);
        Assert.Empty(recorder.Exited);
    }

    [Fact]
    public void An_adversary_can_kill_a_process_at_a_system_call_and_the_others_carry_on()
    {
        var machine = new TestMachine(quantum: 20_000);
        var killer = machine.Attach(new Killer(e => e is SyscallEvent { Process.Pid: 1 } s && Is(s, Syscall.Write)));
        var victim = machine.Start("spin", "500000", "2");
        var other = machine.Start("spin", "300000", "1");

        var run = machine.Run();

        Assert.Equal(128 + 9, run.Process(victim).ExitCode);
        Assert.Equal("the adversary says so", run.Process(victim).KillReason);
        Assert.Empty(run.Lines(victim));
        Assert.Equal(0, run.Process(other).ExitCode);
        Assert.Equal(KernelRunEnd.AllExited, run.Outcome.End);
        Assert.Equal(machine.Kernel.Pager.Frames.Count, machine.Kernel.Pager.Frames.FreeCount);
        Assert.True(killer.Killed);
    }

    [Fact]
    public void An_adversary_can_kill_a_process_at_a_context_switch_and_the_others_carry_on()
    {
        var machine = new TestMachine(quantum: 20_000);
        int runs = 0;
        var killer = machine.Attach(new Killer(e => e is ContextSwitchEvent { To.Pid: 1 } && ++runs == 3));
        var victim = machine.Start("spin", "500000", "1");
        var other = machine.Start("spin", "300000", "1");

        var run = machine.Run();

        Assert.True(killer.Killed);
        Assert.Equal(128 + 9, run.Process(victim).ExitCode);
        Assert.Equal("the adversary says so", run.Process(victim).KillReason);
        Assert.Equal(0, run.Process(other).ExitCode);
        Assert.Equal(KernelRunEnd.AllExited, run.Outcome.End);
    }

    /// <summary>Kills the process of the first event that <paramref name="when"/> picks.</summary>
    private sealed class Killer(Func<object, bool> when) : Adversary
    {
        public bool Killed { get; private set; }

        private void Consider(object e, Process process)
        {
            if (Killed || !when(e)) return;
            Killed = true;
            Powers.Kill(process, "the adversary says so");
        }

        public override void OnSyscall(SyscallEvent e) => Consider(e, e.Process);
        public override void OnContextSwitch(ContextSwitchEvent e) => Consider(e, e.To);
    }

    [Fact]
    public void The_kernel_keeps_saved_contexts_where_an_adversary_can_read_and_change_them()
    {
        var text = GuestPrograms.Image("spin").Segments.Single(s => s.Flags.HasFlag(Elf.SegmentFlags.Execute));
        var machine = new TestMachine(quantum: 20_000);
        var pcs = new List<ulong>();
        machine.Attach(new Hooks(switched: (powers, e) =>
        {
            var context = powers.SavedContext(e.To);
            pcs.Add(context.Pc);
            // Redirect the second spinner to exit(0) at once: the kernel trusts whatever it saved.
            if (e.To.Pid == 2 && pcs.Count > 4)
            {
                context[Isa.Reg.A0] = 77;
                context.Pc = GuestPrograms.Symbol("spin", "_exit");
            }
        }));
        machine.Start("spin", "300000", "1");
        var redirected = machine.Start("spin", "3000000", "1");

        var run = machine.Run();

        Assert.All(pcs, pc => Assert.InRange(pc, text.VirtualAddress, text.VirtualEnd));
        Assert.Equal(77, run.Process(redirected).ExitCode);
        Assert.DoesNotContain(run.Lines(redirected), l => l.EndsWith("done", StringComparison.Ordinal));
    }
}
