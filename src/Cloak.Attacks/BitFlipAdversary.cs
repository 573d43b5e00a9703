using Cloak.Kernel.Adversaries;
namespace Cloak.Attacks;

/// <summary>
/// Flips one bit of a victim's page: in DRAM at the victim's <paramref name="atRun"/>-th scheduling, or
/// (with <paramref name="inSwap"/>) in the swap slot just before the page is swapped back in.
/// </summary>
public sealed class BitFlipAdversary(string victim, ulong virtualAddress, int bit = 0, int atRun = 2, bool inSwap = false) : Adversary
{
    private int _runs;
    private ulong _pendingFrame;
    private (string Object, int Page)? _target;

    public bool Flipped { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (inSwap || Flipped || e.To.Name != victim || ++_runs != atRun) return;
        var page = Powers.ResidentPages(e.To).FirstOrDefault(p => p.VirtualAddress == (virtualAddress & ~0xFFFUL));
        if (page.Frame == 0) return;
        ulong address = (page.Frame << 12) + (virtualAddress & 0xFFF) + (ulong)(bit / 8);
        byte value = Powers.Memory.Read(address, 1)[0];
        Powers.Memory.Write(address, [(byte)(value ^ (1 << (bit % 8)))]);
        Flipped = true;
    }

    public override void OnPageUnmapped(PageEvent e)
    {
        if (inSwap && e.Process.Name == victim && e.VirtualAddress == (virtualAddress & ~0xFFFUL)) _pendingFrame = e.Frame;
    }

    public override void OnSwapOut(SwapEvent e)
    {
        if (inSwap && _target is null && _pendingFrame != 0 && e.Frame == _pendingFrame) _target = (e.ObjectName, e.Page);
    }

    public override void OnSwapIn(SwapEvent e)
    {
        if (!inSwap || Flipped || _target is not { } t || e.ObjectName != t.Object || e.Page != t.Page) return;
        int offset = (int)(virtualAddress & 0xFFF) + bit / 8;
        Powers.Swap.Slot(e.Slot)[offset] ^= (byte)(1 << (bit % 8));
        Flipped = true;
    }
}
