namespace Cloak.Chip.Timing;

/// <summary>
/// A set-associative array of tags with no data (a timing model's cache): arrays indexed by set, LRU
/// by a per-way age stamp, a dirty bit and an owner number per way (whatever the user needs to handle the line's eviction). Keys are any 64-bit value
/// except <see cref="Empty"/>; the set is chosen from the key's low bits after a mix, so keys that
/// differ only in high bits (counter blocks of different regions) spread over the sets.
/// </summary>
internal sealed class TagArray
{
    public const ulong Empty = ulong.MaxValue;

    private readonly ulong[] _keys;
    private readonly ulong[] _stamps;
    private readonly bool[] _dirty;
    private readonly long[] _owners;
    private readonly int _ways;
    private readonly ulong _setMask;
    private readonly bool _mix;
    private ulong _clock;

    /// <param name="mix">Hash keys before picking the set (for keys that are not line numbers).</param>
    public TagArray(int lines, int ways, bool mix)
    {
        _ways = ways;
        _setMask = (ulong)(lines / ways) - 1;
        _keys = new ulong[lines];
        Array.Fill(_keys, Empty);
        _stamps = new ulong[lines];
        _dirty = new bool[lines];
        _owners = new long[lines];
        _mix = mix;
    }

    /// <summary>What an access displaced: a valid line (dirty or not) with its owner, or nothing.</summary>
    public readonly record struct Victim(ulong Key, bool Dirty, long Owner)
    {
        public bool Valid => Key != Empty;
    }

    /// <summary>
    /// Looks <paramref name="key"/> up; on a miss allocates it (evicting the least recently used way).
    /// <paramref name="write"/> marks the line dirty. Returns true on a hit.
    /// </summary>
    public bool Access(ulong key, bool write, long owner, out Victim victim)
    {
        int first = (int)(Set(key) * (ulong)_ways);
        int lru = first;
        _clock++;
        for (int i = first; i < first + _ways; i++)
        {
            if (_keys[i] == key)
            {
                _stamps[i] = _clock;
                _dirty[i] |= write;
                victim = default(Victim) with { Key = Empty };
                return true;
            }
            if (_stamps[i] < _stamps[lru]) lru = i;
        }
        victim = new Victim(_keys[lru], _dirty[lru], _owners[lru]);
        _keys[lru] = key;
        _stamps[lru] = _clock;
        _dirty[lru] = write;
        _owners[lru] = owner;
        return false;
    }

    public bool Contains(ulong key)
    {
        int first = (int)(Set(key) * (ulong)_ways);
        for (int i = first; i < first + _ways; i++)
            if (_keys[i] == key) return true;
        return false;
    }

    private ulong Set(ulong key) => (_mix ? key * 0x9E3779B97F4A7C15UL >> 20 : key) & _setMask;
}
