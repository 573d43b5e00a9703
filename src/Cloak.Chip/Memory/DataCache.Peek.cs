using Cloak.Chip.Security;

namespace Cloak.Chip.Memory;

internal sealed unsafe partial class DataCache
{
    /// <summary>
    /// Copies the cached plaintext of physical line <paramref name="address"/> under
    /// <paramref name="context"/> if the cache holds it, without counting a hit, filling, evicting or
    /// writing anything back (the inspector reads what the process would read now; a run with the
    /// inspector stays the run it would have been). <paramref name="dirty"/>: DRAM holds an older version.
    /// </summary>
    public bool TryPeek(ulong address, in LineContext context, Span<byte> destination, out bool dirty)
    {
        dirty = false;
        ulong line = address >> 6;
        if (!_maps.TryGetValue(PageKey.Of(line, context), out var map)) return false;
        int slot = map[(int)(line & 63)];
        if (slot < 0) return false;
        new ReadOnlySpan<byte>(Data + slot * 64, 64).CopyTo(destination);
        dirty = Dirty[slot] != 0;
        return true;
    }
}
