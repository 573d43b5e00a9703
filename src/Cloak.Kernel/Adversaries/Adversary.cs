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
    /// <summary>Called when the machine stops (all processes ended or the budget ran out).</summary>
    public virtual void OnShutdown() { }
}
