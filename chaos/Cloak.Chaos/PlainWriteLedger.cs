namespace Cloak.Chaos;

/// <summary>
/// The evidence that tells a tampered program's own disclosure from a leak by the chip (docs/reliability.md,
/// "Disclosed by a tampered program"): for each byte of DRAM, the value a plain (unencrypted) store by a
/// process whose protected data the chaos had changed last put there, and which process that was.
/// <para>
/// Only what the bus shows counts: the hart reports every plain store to a tap (it stops caching plain
/// data while one is attached) and the memory encryption unit's line writes. A plain store by any other
/// process, or a line written there, wipes the entry. Writes the bus does not show (the kernel's own, an
/// adversary's) are caught by the lookup, which demands the very bytes the tampered process stored. An
/// entry follows its page out to a swap slot and back into whatever frame the page returns to.
/// </para>
/// </summary>
public sealed class PlainWriteLedger
{
    private const int PageSize = 4096;

    private readonly Dictionary<ulong, (int Pid, byte Value)> _bytes = [];
    private readonly Dictionary<int, Dictionary<int, (int Pid, byte Value)>> _slots = [];

    /// <summary>DRAM bytes noted now.</summary>
    public int Count => _bytes.Count;

    /// <summary>
    /// A plain store the bus showed at <paramref name="address"/>: noted if <paramref name="tamperedWriter"/>
    /// names the (tampered) process that made it; otherwise whatever was noted for those bytes is wiped.
    /// </summary>
    public void Store(ulong address, ReadOnlySpan<byte> data, int? tamperedWriter)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (tamperedWriter is { } pid) _bytes[address + (ulong)i] = (pid, data[i]);
            else if (_bytes.Count > 0) _bytes.Remove(address + (ulong)i);
        }
    }

    /// <summary>A line written by the memory encryption unit (ciphertext now): nothing a process stored in plain is left there.</summary>
    public void LineWritten(ulong address, int length) => Store(address, new byte[length], tamperedWriter: null);

    /// <summary>The page in <paramref name="frame"/> went out to <paramref name="slot"/>: its notes go with it.</summary>
    public void SwapOut(ulong frame, int slot)
    {
        _slots.Remove(slot);
        if (_bytes.Count == 0) return;
        var notes = new Dictionary<int, (int, byte)>();
        for (int offset = 0; offset < PageSize; offset++)
            if (_bytes.TryGetValue((frame << 12) + (ulong)offset, out var note)) notes[offset] = note;
        if (notes.Count > 0) _slots[slot] = notes;
    }

    /// <summary>The page in <paramref name="slot"/> came back into <paramref name="frame"/>: the frame holds the slot's bytes now.</summary>
    public void SwapIn(int slot, ulong frame)
    {
        if (_bytes.Count > 0)
            for (int offset = 0; offset < PageSize; offset++) _bytes.Remove((frame << 12) + (ulong)offset);
        if (!_slots.Remove(slot, out var notes)) return;
        foreach (var (offset, note) in notes) _bytes[(frame << 12) + (ulong)offset] = note;
    }

    /// <summary>The tampered process that stored exactly <paramref name="found"/> at <paramref name="address"/> in plain (every byte), or null.</summary>
    public int? WriterOf(ulong address, ReadOnlySpan<byte> found)
    {
        int? writer = null;
        for (int i = 0; i < found.Length; i++)
        {
            if (!_bytes.TryGetValue(address + (ulong)i, out var note) || note.Value != found[i]) return null;
            writer ??= note.Pid;
        }
        return writer;
    }

    /// <summary>As <see cref="WriterOf"/>, for bytes at <paramref name="offset"/> of a swap slot.</summary>
    public int? WriterInSlot(int slot, int offset, ReadOnlySpan<byte> found)
    {
        if (!_slots.TryGetValue(slot, out var notes)) return null;
        int? writer = null;
        for (int i = 0; i < found.Length; i++)
        {
            if (!notes.TryGetValue(offset + i, out var note) || note.Value != found[i]) return null;
            writer ??= note.Pid;
        }
        return writer;
    }
}
