using Cloak.Platform;

namespace Cloak.Kernel.Memory;

internal enum FrameUse : byte { Free, PageTable, Data }

/// <summary>
/// Every physical frame of DRAM and what it holds. Free frames are handed out in an order drawn from
/// the kernel's seeded generator, so runs are deterministic for a seed while a page that leaves and
/// returns generally lands in a different frame.
/// </summary>
internal sealed class FrameTable
{
    private readonly FrameUse[] _use;
    private readonly MemoryObject?[] _owner;
    private readonly int[] _ownerPage;
    private readonly List<ulong> _free = [];
    private readonly Random _random;

    public FrameTable(Dram dram, Random random)
    {
        _random = random;
        BasePage = dram.BaseAddress >> 12;
        Count = (int)(dram.Size >> 12);
        _use = new FrameUse[Count];
        _owner = new MemoryObject?[Count];
        _ownerPage = new int[Count];
        for (int i = 0; i < Count; i++) _free.Add(BasePage + (ulong)i);
    }

    public ulong BasePage { get; }
    public int Count { get; }
    public int FreeCount => _free.Count;

    public bool TryAllocate(FrameUse use, out ulong frame)
    {
        if (_free.Count == 0)
        {
            frame = 0;
            return false;
        }
        int pick = _random.Next(_free.Count);
        frame = _free[pick];
        _free[pick] = _free[^1];
        _free.RemoveAt(_free.Count - 1);
        _use[Index(frame)] = use;
        return true;
    }

    public void Free(ulong frame)
    {
        int i = Index(frame);
        if (_use[i] == FrameUse.Free) throw new InvalidOperationException($"frame 0x{frame:x} freed twice");
        _use[i] = FrameUse.Free;
        _owner[i] = null;
        _free.Add(frame);
    }

    public void SetOwner(ulong frame, MemoryObject owner, int page)
    {
        _owner[Index(frame)] = owner;
        _ownerPage[Index(frame)] = page;
    }

    public FrameUse Use(ulong frame) => _use[Index(frame)];
    public (MemoryObject? Owner, int Page) Owner(ulong frame) => (_owner[Index(frame)], _ownerPage[Index(frame)]);
    public bool Contains(ulong frame) => frame >= BasePage && frame < BasePage + (ulong)Count;
    public ulong FrameAt(int index) => BasePage + (ulong)index;

    private int Index(ulong frame) =>
        Contains(frame) ? (int)(frame - BasePage) : throw new ArgumentOutOfRangeException(nameof(frame), $"0x{frame:x} is not a DRAM frame");
}
