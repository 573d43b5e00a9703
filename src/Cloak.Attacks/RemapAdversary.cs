using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Attacks;

/// <summary>
/// Maps a victim's resident frames into an outsider process, page after page from
/// <paramref name="outsiderBase"/>, every time the outsider is about to run: the outsider then
/// reads the victim's memory with ordinary loads (SPEC section 1: "map any frame anywhere").
/// <paramref name="kinds"/> chooses which areas of the victim (default: data, heap, stack, shared).
/// </summary>
public sealed class RemapAdversary(string victim, string outsider, ulong outsiderBase, IReadOnlyList<AreaKind>? kinds = null) : Adversary
{
    private readonly IReadOnlyList<AreaKind> _kinds = kinds ?? [AreaKind.Data, AreaKind.Heap, AreaKind.Stack, AreaKind.Shared];

    /// <summary>How many pages were mapped into the outsider the last time.</summary>
    public int PagesMapped { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (e.To.Name != outsider || Powers.Find(victim) is not { } target) return;
        int mapped = 0;
        foreach (var kind in _kinds)
            foreach (var page in Powers.ResidentPages(target, kind))
                if (Powers.MapFrame(e.To, outsiderBase + ((ulong)mapped << 12), page.Frame, Protection.Read))
                    mapped++;
        PagesMapped = mapped;
    }
}
