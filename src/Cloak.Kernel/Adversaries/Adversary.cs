namespace Cloak.Kernel.Adversaries;

/// <summary>
/// A hostile operating system, or a part of one (SPEC section 1: the OS, DRAM, swap and IPC are all
/// untrusted). The kernel calls these hooks at every action it takes; each hook may watch and change
/// what happens. <see cref="Powers"/> gives the rest of what a hostile kernel can do: read and write
/// DRAM and swap, rewrite page tables, inject messages, read saved contexts, kill processes.
/// Hooks run inside the kernel and must not throw.
/// </summary>
public abstract class Adversary
{
    /// <summary>Set when the adversary is attached to a kernel.</summary>
    protected internal AdversaryPowers Powers { get; internal set; } = null!;

    public virtual void OnAttached() { }
    public virtual void OnProcessStarted(ProcessEvent e) { }
    public virtual void OnProcessExited(ProcessEvent e) { }
    public virtual void OnSyscall(SyscallEvent e) { }
    public virtual void OnSyscallReturn(SyscallEvent e) { }
    public virtual void OnPageMapped(PageEvent e) { }
    public virtual void OnPageUnmapped(PageEvent e) { }
    public virtual void OnContextSwitch(ContextSwitchEvent e) { }
    public virtual void OnSwapOut(SwapEvent e) { }
    /// <summary>Called before the kernel reads the slot back, so the slot may still be changed.</summary>
    public virtual void OnSwapIn(SwapEvent e) { }
    public virtual void OnChannelMessage(ChannelMessageEvent e) { }
    /// <summary>Called after the kernel handled a page fault.</summary>
    public virtual void OnPageFault(PageFaultEvent e) { }
    /// <summary>Called just before a process goes onto the hart (each run slice).</summary>
    public virtual void OnResume(ProcessEvent e) { }
    /// <summary>Called each time a process comes back from the hart (a trap, its budget, or a refused context).</summary>
    public virtual void OnRunSlice(RunSliceEvent e) { }
    /// <summary>A guest program posted a note (a protocol step, say).</summary>
    public virtual void OnGuestNote(GuestNoteEvent e) { }
    /// <summary>An adversary acted (wrote DRAM, mapped a frame, injected a message, killed a process, or declared an action).</summary>
    public virtual void OnAdversaryAction(AdversaryActionEvent e) { }
    /// <summary>Called when the machine stops (all processes ended or the budget ran out).</summary>
    public virtual void OnShutdown() { }

    /// <summary>The name this adversary's actions are reported under (its type's name unless overridden).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Declares an action this adversary took that the kernel cannot see (a changed swap slot or saved context), for traces and reports.</summary>
    protected void Declare(string action, Process? target = null) => Powers.Declare(action, target);
}
