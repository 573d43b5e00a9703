using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks.Chaos;

/// <summary>Actions on the swap store.</summary>
public sealed partial class ChaosAdversary
{
    /// <summary>Slots in use that hold a protected page, with the page they hold.</summary>
    private readonly SortedDictionary<int, (string Object, int Page)> _protectedSlots = [];

    /// <summary>Earlier contents of swapped pages (by object and page), for <see cref="ChaosActionKind.ReplaySwap"/>.</summary>
    private readonly Dictionary<(string Object, int Page), (long Step, byte[] Bytes, MetadataCopy? Metadata)> _swapCopies = [];

    /// <summary>The processes that mapped each protected slot's page when it went out (a changed slot is their data changed).</summary>
    private readonly Dictionary<int, int[]> _slotOwners = [];

    private void TamperedSlot(int slot)
    {
        if (_slotOwners.TryGetValue(slot, out var owners)) _tampered.UnionWith(owners);
    }

    public override void OnSwapOut(SwapEvent e)
    {
        if (!_leavingProtected.Remove(e.Frame))
        {
            _protectedSlots.Remove(e.Slot);
            _slotOwners.Remove(e.Slot);
            return;
        }
        _protectedSlots[e.Slot] = (e.ObjectName, e.Page);
        _slotOwners[e.Slot] = [.. e.Owners.Select(p => p.Pid)];
        // Keeping a copy is passive (the OS reads its own swap store); only putting it back is an action.
        if (Settings.Kinds.Contains(ChaosActionKind.ReplaySwap) && !_swapCopies.ContainsKey((e.ObjectName, e.Page)) && _swapCopies.Count < 64)
            _swapCopies[(e.ObjectName, e.Page)] = (_step, Powers.Swap.Slot(e.Slot).ToArray(),
                Powers.IntegrityMetadata is { } metadata ? CopyMetadata(metadata, metadata.Regions) : null);
    }

    public override void OnSwapIn(SwapEvent e)
    {
        if (!_protectedSlots.ContainsKey(e.Slot)) return;
        if (Roll())
            switch (Pick(SwapInKinds))
            {
                case ChaosActionKind.FlipSwap: FlipSwap(e.Slot); break;
                case ChaosActionKind.SpliceSwap: SpliceSwap(e.Slot); break;
                case ChaosActionKind.ReplaySwap: ReplaySwap(e); break;
            }
        _protectedSlots.Remove(e.Slot); // the kernel frees the slot once it has read it
        _slotOwners.Remove(e.Slot);
    }

    private static readonly ChaosActionKind[] SwapInKinds = [ChaosActionKind.FlipSwap, ChaosActionKind.SpliceSwap, ChaosActionKind.ReplaySwap];

    /// <summary>Protected slots still in use (a slot freed without a swap-in, when its process ended, drops out here).</summary>
    private List<int> ProtectedSlots()
    {
        var inUse = Powers.Swap.Slots.ToHashSet();
        foreach (int gone in _protectedSlots.Keys.Where(s => !inUse.Contains(s)).ToList())
        {
            _protectedSlots.Remove(gone);
            _slotOwners.Remove(gone);
        }
        return [.. _protectedSlots.Keys];
    }

    private void FlipSwap(int? slot)
    {
        var slots = ProtectedSlots();
        if (slot is null && slots.Count == 0) return;
        int target = slot ?? Choose(slots);
        int bit = _random.Next(4096 * 8);
        Powers.Swap.Slot(target)[bit / 8] ^= (byte)(1 << (bit % 8));
        TamperedSlot(target);
        Record(ChaosActionKind.FlipSwap, null, $"slot {target}{Holding(target)} byte {bit / 8} bit {bit % 8}");
    }

    private string Holding(int slot) => _protectedSlots.TryGetValue(slot, out var page) ? $" ({page.Object} page {page.Page})" : "";

    /// <summary>Exchanges two protected slots, or copies a line of one into the other.</summary>
    private void SpliceSwap(int? into)
    {
        var slots = ProtectedSlots();
        if (slots.Count < 2) return;
        int target = into ?? Choose(slots);
        int source = Choose(slots);
        if (source == target) return;
        string what = $"slot {source}{Holding(source)} and slot {target}{Holding(target)}";
        TamperedSlot(target);
        if (_random.Next(2) == 0)
        {
            byte[] a = Powers.Swap.Slot(target).ToArray();
            Powers.Swap.Slot(source).CopyTo(Powers.Swap.Slot(target));
            a.CopyTo(Powers.Swap.Slot(source));
            TamperedSlot(source);
            Record(ChaosActionKind.SpliceSwap, null, $"exchanged {what}");
            return;
        }
        int line = _random.Next(64);
        Powers.Swap.Slot(source).Slice(line * 64, 64).CopyTo(Powers.Swap.Slot(target).Slice(line * 64, 64));
        Record(ChaosActionKind.SpliceSwap, null, $"line {line} of {what}");
    }

    private void ReplaySwap(SwapEvent e)
    {
        if (!_swapCopies.TryGetValue((e.ObjectName, e.Page), out var copy)) return;
        bool withMetadata = copy.Metadata is not null && _random.Next(2) == 0;
        if (Powers.Swap.Slot(e.Slot).SequenceEqual(copy.Bytes)) return;
        copy.Bytes.CopyTo(Powers.Swap.Slot(e.Slot));
        TamperedSlot(e.Slot);
        if (withMetadata) Restore(Powers.IntegrityMetadata!, copy.Metadata!);
        _swapCopies.Remove((e.ObjectName, e.Page));
        Record(ChaosActionKind.ReplaySwap, null,
            $"slot {e.Slot} ({e.ObjectName} page {e.Page}) as swapped out at #{copy.Step}{(withMetadata ? ", with the metadata of then" : "")}");
    }
}
