using Cloak.Kernel.Adversaries;
namespace Cloak.Attacks;

/// <summary>
/// Restores an old copy of a page: in DRAM, it captures the frame behind <paramref name="virtualAddress"/>
/// of the victim at the victim's <paramref name="captureAtRun"/>-th scheduling and writes it back at the
/// <paramref name="restoreAtRun"/>-th; in swap, it captures the first swap-out of that page and, when
/// the page is swapped out again later, hands the old copy back at swap-in.
/// </summary>
public sealed class ReplayAdversary(string victim, ulong virtualAddress, int captureAtRun = 2, int restoreAtRun = 4, bool inSwap = false) : Adversary
{
    private byte[]? _captured;
    private int _runs;
    private string? _swapObject;
    private int _swapPage = -1, _swapOuts;

    public bool Captured => _captured is not null;
    public bool Restored { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (inSwap || e.To.Name != victim) return;
        _runs++;
        if (_runs != captureAtRun && _runs != restoreAtRun) return;
        var page = Powers.ResidentPages(e.To).FirstOrDefault(p => p.VirtualAddress == (virtualAddress & ~0xFFFUL));
        if (page.Frame == 0) return;
        if (_runs == captureAtRun) _captured = Powers.Memory.Read(page.Frame << 12, 4096).ToArray();
        else if (_captured is not null)
        {
            Powers.Memory.Write(page.Frame << 12, _captured);
            Restored = true;
        }
    }

    public override void OnPageUnmapped(PageEvent e)
    {
        if (inSwap && e.Process.Name == victim && e.VirtualAddress == (virtualAddress & ~0xFFFUL))
            _pendingFrame = e.Frame;
    }

    private ulong _pendingFrame;

    public override void OnSwapOut(SwapEvent e)
    {
        if (!inSwap || e.Frame != _pendingFrame || _pendingFrame == 0) return;
        _pendingFrame = 0;
        if (_swapObject is null)
        {
            _swapObject = e.ObjectName;
            _swapPage = e.Page;
        }
        if (e.ObjectName != _swapObject || e.Page != _swapPage) return;
        _swapOuts++;
        if (_swapOuts == 1) _captured = Powers.Swap.Slot(e.Slot).ToArray();
    }

    public override void OnSwapIn(SwapEvent e)
    {
        if (!inSwap || _captured is null || _swapOuts < 2 || e.ObjectName != _swapObject || e.Page != _swapPage || Restored) return;
        _captured.CopyTo(Powers.Swap.Slot(e.Slot));
        Restored = true;
    }
}
