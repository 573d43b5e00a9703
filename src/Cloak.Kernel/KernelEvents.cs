using Cloak.Kernel.Adversaries;

namespace Cloak.Kernel;

/// <summary>
/// Fans every kernel action out to the attached adversaries, in attachment order, and then to the
/// observers (passive instruments such as statistics and event traces), so observers see what
/// happened after every adversary had its say. A hook that throws stops the run: the exception
/// leaves the kernel wrapped in an <see cref="AdversaryFailedException"/> naming the adversary and
/// the hook (the kernel is then mid-action, so the run cannot go on).
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

    public void ProcessStarted(ProcessEvent e) => Raise(e, static (a, x) => a.OnProcessStarted(x), nameof(Adversary.OnProcessStarted));
    public void ProcessExited(ProcessEvent e) => Raise(e, static (a, x) => a.OnProcessExited(x), nameof(Adversary.OnProcessExited));
    public void Syscall(SyscallEvent e) => Raise(e, static (a, x) => a.OnSyscall(x), nameof(Adversary.OnSyscall));
    public void SyscallReturn(SyscallEvent e) => Raise(e, static (a, x) => a.OnSyscallReturn(x), nameof(Adversary.OnSyscallReturn));
    public void PageMapped(PageEvent e) => Raise(e, static (a, x) => a.OnPageMapped(x), nameof(Adversary.OnPageMapped));
    public void PageUnmapped(PageEvent e) => Raise(e, static (a, x) => a.OnPageUnmapped(x), nameof(Adversary.OnPageUnmapped));
    public void PageFault(PageFaultEvent e) => Raise(e, static (a, x) => a.OnPageFault(x), nameof(Adversary.OnPageFault));
    public void Resume(ProcessEvent e) => Raise(e, static (a, x) => a.OnResume(x), nameof(Adversary.OnResume));
    public void RunSlice(RunSliceEvent e) => Raise(e, static (a, x) => a.OnRunSlice(x), nameof(Adversary.OnRunSlice));
    public void ContextSwitch(ContextSwitchEvent e) => Raise(e, static (a, x) => a.OnContextSwitch(x), nameof(Adversary.OnContextSwitch));
    public void SwapOut(SwapEvent e) => Raise(e, static (a, x) => a.OnSwapOut(x), nameof(Adversary.OnSwapOut));
    public void SwapIn(SwapEvent e) => Raise(e, static (a, x) => a.OnSwapIn(x), nameof(Adversary.OnSwapIn));
    public void ChannelMessage(ChannelMessageEvent e) => Raise(e, static (a, x) => a.OnChannelMessage(x), nameof(Adversary.OnChannelMessage));
    public void GuestNote(GuestNoteEvent e) => Raise(e, static (a, x) => a.OnGuestNote(x), nameof(Adversary.OnGuestNote));
    public void AdversaryAction(AdversaryActionEvent e) => Raise(e, static (a, x) => a.OnAdversaryAction(x), nameof(Adversary.OnAdversaryAction));
    public void Shutdown() => Raise<object?>(null, static (a, _) => a.OnShutdown(), nameof(Adversary.OnShutdown));

    /// <summary>Calls one hook of every listener in order (static lambdas: no allocation per event).</summary>
    private void Raise<T>(T e, Action<Adversary, T> hook, string name)
    {
        foreach (var a in _all)
        {
            try
            {
                hook(a, e);
            }
            catch (Exception x) when (x is not AdversaryFailedException)
            {
                throw new AdversaryFailedException(a, name, x);
            }
        }
    }
}
