namespace Cloak.Chip.Memory;

/// <summary>
/// The on-chip instruction cache for encrypted code: set associative, 64-byte lines, tagged with the
/// physical line and key slot, round-robin replacement. The plaintext of a cached line lives as the
/// hart's decoded instructions for that line; evicting the line drops them (the callback), so code is
/// decrypted again on its next execution, exactly when a real I-cache would miss.
/// </summary>
internal sealed class InstructionCache(int bytes, int ways, Action<ulong, int> evicted)
{
    private readonly int _sets = bytes / 64 / ways;
    private readonly (ulong Line, int KeySlot, bool Valid)[] _tags = new (ulong, int, bool)[bytes / 64];
    private readonly int[] _nextVictim = new int[bytes / 64 / ways];

    public CacheStatistics Statistics { get; } = new();

    /// <summary>Records a fetch of physical line <paramref name="line"/> under a key; true on a hit.</summary>
    public bool Access(ulong line, int keySlot)
    {
        int set = (int)(line % (ulong)_sets);
        for (int way = 0; way < ways; way++)
        {
            var tag = _tags[set * ways + way];
            if (tag.Valid && tag.Line == line && tag.KeySlot == keySlot)
            {
                Statistics.SlowHits++;
                return true;
            }
        }
        Statistics.Misses++;
        int victim = set * ways + _nextVictim[set];
        _nextVictim[set] = (_nextVictim[set] + 1) % ways;
        if (_tags[victim].Valid)
        {
            Statistics.Evictions++;
            evicted(_tags[victim].Line, _tags[victim].KeySlot);
        }
        _tags[victim] = (line, keySlot, true);
        return false;
    }

    /// <summary>Invalidates every line cached under <paramref name="keySlot"/> (its key left the key table).</summary>
    public void InvalidateKey(int keySlot)
    {
        for (int i = 0; i < _tags.Length; i++)
            if (_tags[i].Valid && _tags[i].KeySlot == keySlot)
            {
                evicted(_tags[i].Line, keySlot);
                _tags[i] = default;
            }
    }
}
