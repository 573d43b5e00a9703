using System.Security.Cryptography;
using Cloak.Crypto;

namespace Cloak.Chip.Security;

/// <summary>
/// The chip's key table (SPEC 2.3): every region key in use, with its cipher objects, referenced by
/// slot number from EAR entries and cache-line tags. A key installed twice (two processes sharing a
/// region) gets one slot, so their cached lines are shared and coherent. Slots whose processes are
/// switched out stay until the table needs room; reusing a slot first flushes its cache lines.
/// Threat: keys must never leave the chip; they exist only here and inside sealed contexts, and no
/// instruction, port or ToString reads them back. Slot 0 means "no key" (plain memory).
/// </summary>
internal sealed partial class KeyTable : IDisposable
{
    public const int KeySize = 32;
    public const int Plain = 0;

    private sealed class Slot
    {
        public readonly byte[] Key = new byte[KeySize];
        public XtsAes128? Cipher;
        public LineMac? Mac;
        /// <summary>Keyed hash of <see cref="Key"/>: compared before the key itself (see <see cref="Fingerprint"/>).</summary>
        public int Fingerprint;
        public int References;
        public ulong LastUse;
        public bool Occupied;
    }

    private readonly Slot[] _slots;
    private ulong _clock;

    public KeyTable(int capacity)
    {
        _slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) _slots[i] = new Slot();
    }

    /// <summary>Called with a slot number before the slot is given to another key (flush its cache lines).</summary>
    public Action<int>? Evicting { get; set; }

    public int Capacity => _slots.Length - 1;
    public int Occupied => _slots.Count(s => s.Occupied);

    /// <summary>How many EAR entries (of any context) hold <paramref name="slot"/>; a slot at 0 may be given another key.</summary>
    public int ReferencesOf(int slot) => _slots[slot].References;

    /// <summary>A slot holding <paramref name="key"/> (existing or new), with one more reference; -1 if the table is full.</summary>
    public int Acquire(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) throw new ArgumentException("region keys are 32 bytes");
        int fingerprint = Fingerprint(key);
        int found = IndexOf(key, fingerprint);
        if (found > 0)
        {
            var s = _slots[found];
            s.References++;
            s.LastUse = ++_clock;
            return found;
        }
        int free = -1;
        for (int i = 1; i < _slots.Length && free < 0; i++)
            if (!_slots[i].Occupied) free = i;
        if (free < 0)
        {
            // Reuse the least recently used slot that no live EAR entry references.
            ulong oldest = ulong.MaxValue;
            for (int i = 1; i < _slots.Length; i++)
                if (_slots[i].References == 0 && _slots[i].LastUse < oldest) (oldest, free) = (_slots[i].LastUse, i);
            if (free < 0) return -1;
            Evicting?.Invoke(free);
            Wipe(_slots[free]);
        }
        var slot = _slots[free];
        key.CopyTo(slot.Key);
        slot.Fingerprint = fingerprint;
        slot.Cipher = new XtsAes128(key[..16], key[16..]);
        slot.Occupied = true;
        slot.References = 1;
        slot.LastUse = ++_clock;
        return free;
    }

    /// <summary>Drops one reference; the key stays until its slot is needed.</summary>
    public void Release(int slot)
    {
        if (slot <= Plain || slot >= _slots.Length || !_slots[slot].Occupied) return;
        if (_slots[slot].References > 0) _slots[slot].References--;
    }

    public void AddReference(int slot)
    {
        if (slot > Plain && slot < _slots.Length && _slots[slot].Occupied) _slots[slot].References++;
    }

    public XtsAes128 Cipher(int slot) => _slots[slot].Cipher ?? throw new InvalidOperationException($"key slot {slot} is empty");
    /// <summary>The slot's MAC, derived on first use: only authenticated memory needs one, and deriving it (HKDF) on every slot fill cost more than the fill.</summary>
    public LineMac Mac(int slot)
    {
        var s = _slots[slot];
        if (!s.Occupied) throw new InvalidOperationException($"key slot {slot} is empty");
        return s.Mac ??= LineCrypto.CreateMac(s.Key);
    }

    /// <summary>Copies a slot's key into the chip's own sealed-context buffer (never to anything outside the chip).</summary>
    public void CopyKey(int slot, Span<byte> destination) => _slots[slot].Key.CopyTo(destination);

    /// <summary>
    /// A 32-bit hash of a key under the runtime's per-process random seed (<see cref="HashCode"/>), so
    /// a look-up compares whole keys only in the slot whose fingerprint matches: a resumed context
    /// re-acquires each of its keys, and comparing every key of a 64-slot table each time was a
    /// quarter of a large sharing group's host time. The fingerprint stays on chip like the key.
    /// </summary>
    private static int Fingerprint(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    private int IndexOf(ReadOnlySpan<byte> key, int fingerprint)
    {
        for (int i = 1; i < _slots.Length; i++)
        {
            var s = _slots[i];
            if (s.Occupied && s.Fingerprint == fingerprint && CryptographicOperations.FixedTimeEquals(s.Key, key)) return i;
        }
        return -1;
    }

    private static void Wipe(Slot slot)
    {
        CryptographicOperations.ZeroMemory(slot.Key);
        slot.Fingerprint = 0;
        slot.Cipher?.Dispose();
        slot.Mac?.Dispose();
        slot.Cipher = null;
        slot.Mac = null;
        slot.Occupied = false;
        slot.References = 0;
    }

    public void Dispose()
    {
        foreach (var slot in _slots) Wipe(slot);
    }

    public override string ToString() => $"key table ({Occupied} of {Capacity} slots in use)";
}
