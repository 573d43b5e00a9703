using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// An adversary with one victim: counts the victim's schedulings (context switches to it) and hands
/// each to <see cref="OnVictimRun"/>, with helpers to find the victim's frames.
/// </summary>
internal abstract class VictimAdversary(string victim) : Adversary
{
    protected string Victim { get; } = victim;
    protected int Runs { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (e.To.Name != Victim) return;
        Runs++;
        OnVictimRun(e.To, Runs);
    }

    protected virtual void OnVictimRun(Process victim, int run) { }

    /// <summary>The frame (page number) behind <paramref name="virtualAddress"/>, or null if not resident.</summary>
    protected ulong? FrameOf(Process process, ulong virtualAddress)
    {
        var page = Powers.ResidentPages(process).FirstOrDefault(p => p.VirtualAddress == (virtualAddress & ~0xFFFUL));
        return page.Frame == 0 ? null : page.Frame;
    }

    /// <summary>The physical address of <paramref name="virtualAddress"/>, or null if its page is not resident.</summary>
    protected ulong? PhysicalOf(Process process, ulong virtualAddress) =>
        FrameOf(process, virtualAddress) is { } frame ? (frame << 12) + (virtualAddress & 0xFFF) : null;

    protected IReadOnlyList<ResidentPage> Resident(Process process, AreaKind kind) => Powers.ResidentPages(process, kind);
}
