namespace Cloak.Kernel.Memory;

/// <summary>
/// The backing store pages go to when DRAM runs short: outside the chip and untrusted, so the
/// adversary may read and write any slot (SPEC section 1). Slots are 4 KiB; a page swapped out and
/// back may land in another frame.
/// </summary>
public sealed class SwapStore
{
    public const int SlotSize = 4096;
    private readonly Dictionary<int, byte[]> _slots = [];
    private readonly SortedSet<int> _free = [];
    private int _next;

    public SwapStore(int capacitySlots) => CapacitySlots = capacitySlots;

    public int CapacitySlots { get; }
    public int UsedSlots => _slots.Count;
    public IEnumerable<int> Slots => _slots.Keys.Order();

    public bool TryAllocate(out int slot)
    {
        if (_free.Count > 0)
        {
            slot = _free.Min;
            _free.Remove(slot);
        }
        else if (_next < CapacitySlots)
        {
            slot = _next++;
        }
        else
        {
            slot = -1;
            return false;
        }
        _slots[slot] = new byte[SlotSize];
        return true;
    }

    public void Free(int slot)
    {
        if (_slots.Remove(slot)) _free.Add(slot);
    }

    /// <summary>The bytes of a slot in use; writable by whoever holds the store (the kernel, an adversary).</summary>
    public Span<byte> Slot(int slot) =>
        _slots.TryGetValue(slot, out var bytes) ? bytes : throw new ArgumentOutOfRangeException(nameof(slot), slot, "swap slot is not in use");
}
