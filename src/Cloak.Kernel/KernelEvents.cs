using Cloak.Kernel.Adversaries;

namespace Cloak.Kernel;

/// <summary>Fans every kernel action out to the attached adversaries, in attachment order.</summary>
internal sealed class KernelEvents
{
    private readonly List<Adversary> _adversaries = [];

    public IReadOnlyList<Adversary> Adversaries => _adversaries;

    public void Attach(Adversary adversary) => _adversaries.Add(adversary);

    public void ProcessStarted(ProcessEvent e) { foreach (var a in _adversaries) a.OnProcessStarted(e); }
    public void ProcessExited(ProcessEvent e) { foreach (var a in _adversaries) a.OnProcessExited(e); }
    public void Syscall(SyscallEvent e) { foreach (var a in _adversaries) a.OnSyscall(e); }
    public void SyscallReturn(SyscallEvent e) { foreach (var a in _adversaries) a.OnSyscallReturn(e); }
    public void PageMapped(PageEvent e) { foreach (var a in _adversaries) a.OnPageMapped(e); }
    public void PageUnmapped(PageEvent e) { foreach (var a in _adversaries) a.OnPageUnmapped(e); }
    public void ContextSwitch(ContextSwitchEvent e) { foreach (var a in _adversaries) a.OnContextSwitch(e); }
    public void SwapOut(SwapEvent e) { foreach (var a in _adversaries) a.OnSwapOut(e); }
    public void SwapIn(SwapEvent e) { foreach (var a in _adversaries) a.OnSwapIn(e); }
    public void ChannelMessage(ChannelMessageEvent e) { foreach (var a in _adversaries) a.OnChannelMessage(e); }
    public void Shutdown() { foreach (var a in _adversaries) a.OnShutdown(); }
}
