namespace Cloak.Chip.Cpu;

/// <summary>Rights a PMP entry (or the default rule) grants: the R, W and X bits of pmpcfg.</summary>
[Flags]
public enum PmpRights : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
    All = Read | Write | Execute,
}

/// <summary>
/// Physical memory protection (privileged spec 3.7): 16 entries, as QEMU's virt board has them, with
/// the 4-byte granularity (G = 0) QEMU uses, so NA4 exists and pmpaddr reads back as written in every
/// mode. M-mode software (the OS model, or a bare-metal program) uses it to fence off physical memory
/// from U-mode; a locked entry binds M-mode as well and stays as it is until reset.
/// <para>
/// Matching (3.7.1): the lowest-numbered entry that matches any byte of an access decides it; if it
/// matches only some of the bytes the access fails whatever the mode. If no entry matches, M-mode
/// succeeds and U-mode fails (entries are implemented, so "no match" is a denial even when all of
/// them are off). An unlocked entry grants M-mode everything.
/// </para>
/// <para>
/// WARL legalisation (where QEMU 7.2 stores the raw value, Cloak follows the spec and Spike, see
/// docs/isa.md): pmpcfg bits 6:5 read zero, the reserved R = 0, W = 1 combination loses W, and
/// pmpaddr keeps bits 53:0 (physical address bits 55:2). Writes to a locked entry's pmpcfg or
/// pmpaddr, and to pmpaddr[i - 1] when entry i is a locked TOR entry, are ignored. pmpcfg registers
/// and pmpaddr registers past the 16 implemented entries read zero and ignore writes.
/// </para>
/// </summary>
public sealed class PhysicalMemoryProtection
{
    /// <summary>Implemented entries (QEMU's virt board: 16).</summary>
    public const int Entries = 16;

    private const byte Lock = 0x80, AddressMatchingMask = 0x18, ReservedBits = 0x60;
    private const int AddressMatchingShift = 3;
    /// <summary>pmpaddr holds bits 55:2 of a 56-bit physical address on RV64 (privileged spec figure 3.28).</summary>
    public const ulong AddressMask = (1UL << 54) - 1;

    private enum AddressMatching { Off = 0, Tor = 1, Na4 = 2, Napot = 3 }

    private readonly byte[] _config = new byte[Entries];
    private readonly ulong[] _address = new ulong[Entries];
    // Each active entry's byte range, inclusive; empty entries (off, or a TOR whose top is not above its bottom) have _active false.
    private readonly bool[] _active = new bool[Entries];
    private readonly ulong[] _first = new ulong[Entries];
    private readonly ulong[] _last = new ulong[Entries];

    /// <summary>True when any entry matches anything: only then can an M-mode access be refused.</summary>
    public bool AnyActive { get; private set; }

    /// <summary>Puts every entry back to its reset state: off, unlocked, address 0 (as QEMU resets them).</summary>
    public void Reset()
    {
        Array.Clear(_config);
        Array.Clear(_address);
        Recompute();
    }

    /// <summary>Reads pmpcfg<paramref name="register"/> (0-15); on RV64 the odd ones do not exist (the caller refuses them).</summary>
    public ulong ReadConfig(int register)
    {
        int first = register * 4;
        ulong value = 0;
        for (int i = 0; i < 8 && first + i < Entries; i++) value |= (ulong)_config[first + i] << (8 * i);
        return value;
    }

    /// <summary>Writes pmpcfg<paramref name="register"/> (even, 0-14); true if any entry changed.</summary>
    public bool WriteConfig(int register, ulong value)
    {
        int first = register * 4;
        bool changed = false;
        for (int i = 0; i < 8 && first + i < Entries; i++)
        {
            int entry = first + i;
            if ((_config[entry] & Lock) != 0) continue; // a locked entry stays until reset
            byte next = (byte)(value >> (8 * i) & ~(ulong)ReservedBits);
            if ((next & (byte)PmpRights.Read) == 0) next &= unchecked((byte)~PmpRights.Write); // R = 0, W = 1 is reserved
            changed |= next != _config[entry];
            _config[entry] = next;
        }
        if (changed) Recompute();
        return changed;
    }

    public ulong ReadAddress(int index) => index < Entries ? _address[index] : 0;

    /// <summary>Writes pmpaddr<paramref name="index"/> (0-63); true if it changed.</summary>
    public bool WriteAddress(int index, ulong value)
    {
        if (index >= Entries || (_config[index] & Lock) != 0) return false;
        // pmpaddr[i] is the bottom of entry i + 1 when that entry is TOR: its lock covers it too.
        if (index + 1 < Entries && (_config[index + 1] & Lock) != 0 && Matching(index + 1) == AddressMatching.Tor) return false;
        value &= AddressMask;
        if (value == _address[index]) return false;
        _address[index] = value;
        Recompute();
        return true;
    }

    /// <summary>
    /// True if an access to the bytes [<paramref name="address"/>, <paramref name="address"/> + <paramref name="size"/>)
    /// made with <paramref name="machineMode"/> privilege may use <paramref name="needed"/>.
    /// </summary>
    public bool Allows(ulong address, ulong size, PmpRights needed, bool machineMode)
    {
        ulong last = address + (size - 1);
        if (last < address) last = ulong.MaxValue;
        for (int i = 0; i < Entries; i++)
        {
            if (!_active[i] || last < _first[i] || address > _last[i]) continue;
            if (address < _first[i] || last > _last[i]) return false; // matches some bytes but not all
            return (Granted(i, machineMode) & needed) == needed;
        }
        return machineMode;
    }

    /// <summary>
    /// The rights every access inside the 4 KiB page at <paramref name="page"/> has, so a TLB may cache
    /// them; null when accesses inside the page are decided differently (an entry boundary falls in
    /// it), and each must then be checked on its own.
    /// </summary>
    public PmpRights? PageRights(ulong page, bool machineMode)
    {
        ulong last = page + 0xFFF;
        for (int i = 0; i < Entries; i++)
        {
            if (!_active[i] || last < _first[i] || page > _last[i]) continue;
            return page >= _first[i] && last <= _last[i] ? Granted(i, machineMode) : null;
        }
        return machineMode ? PmpRights.All : PmpRights.None;
    }

    private PmpRights Granted(int entry, bool machineMode) =>
        machineMode && (_config[entry] & Lock) == 0 ? PmpRights.All : (PmpRights)(_config[entry] & (byte)PmpRights.All);

    private AddressMatching Matching(int entry) => (AddressMatching)((_config[entry] & AddressMatchingMask) >> AddressMatchingShift);

    /// <summary>Turns pmpcfg and pmpaddr into byte ranges (privileged spec table 3.10 and figure 3.32).</summary>
    private void Recompute()
    {
        bool any = false;
        for (int i = 0; i < Entries; i++)
        {
            ulong first = 0, last = 0;
            bool active;
            switch (Matching(i))
            {
                case AddressMatching.Tor:
                {
                    // [pmpaddr[i-1] << 2, pmpaddr[i] << 2): empty unless the top is above the bottom.
                    ulong bottom = i == 0 ? 0 : _address[i - 1] << 2, top = _address[i] << 2;
                    active = top > bottom;
                    first = bottom;
                    last = top - 1;
                    break;
                }
                case AddressMatching.Na4:
                    active = true;
                    first = _address[i] << 2;
                    last = first + 3;
                    break;
                case AddressMatching.Napot:
                {
                    // The trailing ones of pmpaddr give the size: ...0 = 8 bytes, ...01 = 16, ...011 = 32.
                    ulong ones = (_address[i] << 2) | 3;
                    active = true;
                    first = ones & (ones + 1);
                    last = ones | (ones + 1);
                    break;
                }
                default:
                    active = false;
                    break;
            }
            _active[i] = active;
            _first[i] = first;
            _last[i] = last;
            any |= active;
        }
        AnyActive = any;
    }
}
