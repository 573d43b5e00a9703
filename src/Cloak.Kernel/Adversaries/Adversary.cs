namespace Cloak.Kernel.Adversaries;

/// <summary>
/// A hostile operating system, or a part of one (SPEC section 1: the OS, DRAM, swap and IPC are all
/// untrusted). The kernel calls these hooks at every action it takes; each hook may watch and change
/// what happens. <see cref="Powers"/> gives the rest of what a hostile kernel can do: read and write
/// DRAM and swap, rewrite page tables, start processes, inject messages, read saved contexts, kill
/// processes. Everything here is on the OS side of the wall: nothing leads into the chip.
/// Hooks run inside the kernel, one at a time, in attachment order, on the thread that runs the
/// machine. A hook that throws stops the run (<see cref="AdversaryFailedException"/>).
/// docs/adversary.md has the reference: when each hook is called and what it may change.
/// </summary>
public abstract class Adversary
{
    /// <summary>What this adversary can do besides watching: set when it is attached to a kernel.</summary>
    protected internal AdversaryPowers Powers { get; internal set; } = null!;

    /// <summary>Once, when attached (<see cref="Powers"/> is set; processes may not exist yet).</summary>
    public virtual void OnAttached() { }

    /// <summary>A process was created (address space, argv, queued to run) and has not run yet; also for spawned processes and <see cref="AdversaryPowers.Start"/>.</summary>
    public virtual void OnProcessStarted(ProcessEvent e) { }

    /// <summary>A process ended: its memory is freed, its channels closed, and how it ended is set (<see cref="Process.End"/>).</summary>
    public virtual void OnProcessExited(ProcessEvent e) { }

    /// <summary>Before the kernel carries out a system call: <see cref="SyscallEvent.Arguments"/> may be changed; setting <see cref="SyscallEvent.Result"/> skips the call and returns that.</summary>
    public virtual void OnSyscall(SyscallEvent e) { }

    /// <summary>After a system call that returned (not one that blocked or ended the process): <see cref="SyscallEvent.Result"/> (what a0 gets) may be changed.</summary>
    public virtual void OnSyscallReturn(SyscallEvent e) { }

    /// <summary>A page is about to enter a process's page table: <see cref="PageEvent.Frame"/> and <see cref="PageEvent.Protection"/> may be changed.</summary>
    public virtual void OnPageMapped(PageEvent e) { }

    /// <summary>A page left a process's page table (unmapped, evicted or the process ended).</summary>
    public virtual void OnPageUnmapped(PageEvent e) { }

    /// <summary>The scheduler switches the hart to another process, before it runs: killing <see cref="ContextSwitchEvent.To"/> keeps it from running.</summary>
    public virtual void OnContextSwitch(ContextSwitchEvent e) { }

    /// <summary>A page was written to a swap slot (readable and writable through <see cref="AdversaryPowers.Swap"/>).</summary>
    public virtual void OnSwapOut(SwapEvent e) { }

    /// <summary>Called before the kernel reads the slot back, so the slot may still be changed.</summary>
    public virtual void OnSwapIn(SwapEvent e) { }

    /// <summary>A message passes through the kernel (sent, or injected): <see cref="ChannelMessageEvent.Payload"/> may be replaced, <see cref="ChannelMessageEvent.Drop"/> set.</summary>
    public virtual void OnChannelMessage(ChannelMessageEvent e) { }

    /// <summary>Called after the kernel handled a page fault.</summary>
    public virtual void OnPageFault(PageFaultEvent e) { }

    /// <summary>Called just before a process goes onto the hart (each run slice): its saved context is what the chip will get; killing it here keeps it from running.</summary>
    public virtual void OnResume(ProcessEvent e) { }

    /// <summary>Called each time a process comes back from the hart (a trap, its budget, or a refused context), before the kernel handles the trap.</summary>
    public virtual void OnRunSlice(RunSliceEvent e) { }

    /// <summary>A guest program posted a note (a protocol step, say).</summary>
    public virtual void OnGuestNote(GuestNoteEvent e) { }

    /// <summary>An adversary acted (wrote DRAM, mapped a frame, started a process, injected a message, killed a process, or declared an action); this one's own actions included.</summary>
    public virtual void OnAdversaryAction(AdversaryActionEvent e) { }

    /// <summary>Called when the machine stops (all processes ended, the budget ran out, or the host interrupted it).</summary>
    public virtual void OnShutdown() { }

    /// <summary>The name this adversary's actions are reported under (its type's name unless overridden).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Declares an action this adversary took that the kernel cannot see (a changed swap slot or saved context), for traces and reports.</summary>
    protected void Declare(string action, Process? target = null) => Powers.Declare(action, target);
}
