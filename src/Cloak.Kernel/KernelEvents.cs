using Cloak.Kernel.Adversaries;

namespace Cloak.Kernel;

/// <summary>
/// Fans every kernel action out to the attached adversaries, in attachment order, and then to the
/// observers (passive instruments such as statistics and event traces), so observers see what
/// happened after every adversary had its say.
/// </summary>
internal sealed class KernelEvents
{
    private readonly List<Adversary> _adversaries = [];
    private readonly List<Adversary> _all = [];
    private int _observers;

    public IReadOnlyList<Adversary> Adversaries => _adversaries;

    /// <summary>True if anyone listens (the kernel skips building events nobody would see).</summary>
    public bool Listening => _all.Count > 0;

    public void Attach(Adversary adversary)
    {
        _adversaries.Add(adversary);
        _all.Insert(_all.Count - _observers, adversary);
    }

    public void AttachObserver(Adversary observer)
    {
        _all.Add(observer);
        _observers++;
    }

    public void ProcessStarted(ProcessEvent e) { foreach (var a in _all) a.OnProcessStarted(e); }
    public void ProcessExited(ProcessEvent e) { foreach (var a in _all) a.OnProcessExited(e); }
    public void Syscall(SyscallEvent e) { foreach (var a in _all) a.OnSyscall(e); }
    public void SyscallReturn(SyscallEvent e) { foreach (var a in _all) a.OnSyscallReturn(e); }
    public void PageMapped(PageEvent e) { foreach (var a in _all) a.OnPageMapped(e); }
    public void PageUnmapped(PageEvent e) { foreach (var a in _all) a.OnPageUnmapped(e); }
    public void PageFault(PageFaultEvent e) { foreach (var a in _all) a.OnPageFault(e); }
    public void Resume(ProcessEvent e) { foreach (var a in _all) a.OnResume(e); }
    public void RunSlice(RunSliceEvent e) { foreach (var a in _all) a.OnRunSlice(e); }
    public void ContextSwitch(ContextSwitchEvent e) { foreach (var a in _all) a.OnContextSwitch(e); }
    public void SwapOut(SwapEvent e) { foreach (var a in _all) a.OnSwapOut(e); }
    public void SwapIn(SwapEvent e) { foreach (var a in _all) a.OnSwapIn(e); }
    public void ChannelMessage(ChannelMessageEvent e) { foreach (var a in _all) a.OnChannelMessage(e); }
    public void GuestNote(GuestNoteEvent e) { foreach (var a in _all) a.OnGuestNote(e); }
    public void AdversaryAction(AdversaryActionEvent e) { foreach (var a in _all) a.OnAdversaryAction(e); }
    public void Shutdown() { foreach (var a in _all) a.OnShutdown(); }
}
