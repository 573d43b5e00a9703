using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;

namespace Cloak.Kernel.Memory;

/// <summary>
/// Frame allocation, demand population and swapping for the whole machine. When no frame is free it
/// evicts one with the clock (second-chance) algorithm over the accessed bits of every mapping of the
/// page, writes the page to swap exactly as DRAM holds it, and clears the mappings; a later fault
/// brings it back into whatever frame is free then.
/// </summary>
internal sealed class Pager
{
    private readonly OsPort _port;
    private readonly KernelEvents _events;
    private int _clockHand;

    public Pager(OsPort port, FrameTable frames, SwapStore swap, KernelEvents events)
    {
        _port = port;
        Frames = frames;
        Swap = swap;
        _events = events;
    }

    public FrameTable Frames { get; }
    public SwapStore Swap { get; }
    public ulong SwapOuts { get; private set; }
    public ulong SwapIns { get; private set; }

    /// <summary>A free frame, evicting a page if none is free; null when memory and swap are both full.</summary>
    public ulong? AllocateFrame(FrameUse use)
    {
        while (true)
        {
            if (Frames.TryAllocate(use, out ulong frame)) return frame;
            if (!EvictOne()) return null;
        }
    }

    /// <summary>Makes page <paramref name="page"/> of <paramref name="obj"/> resident; returns its frame.</summary>
    public ulong? EnsureResident(MemoryObject obj, int page)
    {
        if (obj.Pages[page].Frame != 0) return obj.Pages[page].Frame;
        if (AllocateFrame(FrameUse.Data) is not { } frame) return null;
        ref var slot = ref obj.Pages[page];
        Span<byte> bytes = stackalloc byte[4096];
        if (slot.SwapSlot >= 0)
        {
            _events.SwapIn(new SwapEvent(slot.SwapSlot, frame, obj.Name, page) { Owners = Owners(obj) });
            Swap.Slot(slot.SwapSlot).CopyTo(bytes);
            Swap.Free(slot.SwapSlot);
            slot.SwapSlot = -1;
            SwapIns++;
        }
        else
        {
            obj.InitialContents(page, bytes);
            slot.Populated = true;
        }
        _port.Memory.Write(frame << 12, bytes);
        slot.Frame = frame;
        Frames.SetOwner(frame, obj, page);
        return frame;
    }

    /// <summary>Frees a page wherever it is and removes it from every mapping.</summary>
    public void Release(MemoryObject obj, int page)
    {
        ref var slot = ref obj.Pages[page];
        if (slot.Frame != 0)
        {
            UnmapEverywhere(obj, page);
            Frames.Free(slot.Frame);
            slot.Frame = 0;
        }
        if (slot.SwapSlot >= 0)
        {
            Swap.Free(slot.SwapSlot);
            slot.SwapSlot = -1;
        }
        slot.Populated = false;
    }

    private static List<Process> Owners(MemoryObject obj) => [.. obj.Mappings.Select(m => m.Space.Owner).Distinct()];

    private void UnmapEverywhere(MemoryObject obj, int page)
    {
        bool any = false;
        foreach (var (space, vma) in obj.Mappings)
        {
            if (!vma.ShowsObjectPage(page)) continue;
            ulong va = vma.AddressOf(page);
            if (space.Table.Unmap(va) != 0)
            {
                any = true;
                _events.PageUnmapped(new PageEvent(space.Owner, va, obj.Pages[page].Frame, 0));
            }
        }
        if (any) _port.FlushTranslations();
    }

    private bool EvictOne()
    {
        bool clearedAccessed = false;
        for (int step = 0; step < 2 * Frames.Count + 1; step++)
        {
            ulong frame = Frames.FrameAt(_clockHand);
            _clockHand = (_clockHand + 1) % Frames.Count;
            if (Frames.Use(frame) != FrameUse.Data) continue;
            var (obj, page) = Frames.Owner(frame);
            if (obj is null) continue;

            bool referenced = false;
            foreach (var (space, vma) in obj.Mappings)
            {
                if (!vma.ShowsObjectPage(page)) continue;
                ulong va = vma.AddressOf(page);
                if ((space.Table.Read(va) & Pte.Accessed) == 0) continue;
                referenced = true;
                space.Table.ClearAccessed(va);
            }
            if (referenced)
            {
                clearedAccessed = true;
                continue;
            }
            // Cached translations would stop the hardware from setting A again: drop them.
            if (clearedAccessed) _port.FlushTranslations();
            if (!Swap.TryAllocate(out int swapSlot)) return false;
            _port.Memory.Read(frame << 12, 4096).CopyTo(Swap.Slot(swapSlot));
            UnmapEverywhere(obj, page);
            obj.Pages[page].Frame = 0;
            obj.Pages[page].SwapSlot = swapSlot;
            Frames.Free(frame);
            SwapOuts++;
            _events.SwapOut(new SwapEvent(swapSlot, frame, obj.Name, page) { Owners = Owners(obj) });
            return true;
        }
        if (clearedAccessed) _port.FlushTranslations();
        return false;
    }
}
