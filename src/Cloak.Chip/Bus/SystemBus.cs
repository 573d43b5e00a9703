using Cloak.Platform;
namespace Cloak.Chip.Bus;

/// <summary>
/// The physical address space the hart sees: DRAM plus memory-mapped devices. Everything the
/// hart reads or writes outside its own registers goes through here (or, on the fast path, through
/// pointers into DRAM that the bus handed out).
/// </summary>
public sealed class SystemBus
{
    private readonly List<(ulong Base, IMmioDevice Device)> _devices = [];
    private readonly HashSet<ulong> _watchedPages = [];

    public SystemBus(Dram dram) => Dram = dram;

    public Dram Dram { get; }

    public IReadOnlyList<(ulong Base, IMmioDevice Device)> Devices => _devices;

    public void Attach(ulong baseAddress, IMmioDevice device)
    {
        ulong end = baseAddress + device.Size;
        if (device.Size == 0 || end < baseAddress)
            throw new ArgumentException($"device {device.Name} has an empty or wrapping range");
        bool Overlaps(ulong b, ulong e) => baseAddress < e && b < end;
        if (Overlaps(Dram.BaseAddress, Dram.EndAddress))
            throw new ArgumentException($"device {device.Name} at 0x{baseAddress:x} overlaps DRAM");
        foreach (var (b, d) in _devices)
            if (Overlaps(b, b + d.Size))
                throw new ArgumentException($"device {device.Name} at 0x{baseAddress:x} overlaps {d.Name} at 0x{b:x}");
        _devices.Add((baseAddress, device));
    }

    public bool IsRam(ulong address, ulong length = 1) => Dram.Contains(address, length);

    public bool TryRead(ulong address, int size, out ulong value)
    {
        if (Dram.Contains(address, (ulong)size))
        {
            value = 0;
            var bytes = Dram.Read(address, size);
            for (int i = size - 1; i >= 0; i--) value = value << 8 | bytes[i];
            return true;
        }
        var (device, offset) = Find(address, size);
        if (device is not null) return device.TryRead(offset, size, out value);
        value = 0;
        return false;
    }

    public bool TryWrite(ulong address, int size, ulong value)
    {
        var (device, offset) = Find(address, size);
        return device is not null && device.TryWrite(offset, size, value);
    }

    private (IMmioDevice? Device, ulong Offset) Find(ulong address, int size)
    {
        foreach (var (b, d) in _devices)
            if (address >= b && address - b <= d.Size - (ulong)size) return (d, address - b);
        return (null, 0);
    }

    /// <summary>
    /// Marks a physical address whose writes the host must see at once (Spike's HTIF tohost).
    /// Stores to a watched page never take the hart's fast path and end the hart's run slice.
    /// </summary>
    public void Watch(ulong address)
    {
        if (_watchedPages.Add(address >> 12)) WatchAdded?.Invoke(address >> 12);
    }

    /// <summary>Raised with a page number when it becomes watched, so cached store permissions for it are dropped.</summary>
    public event Action<ulong>? WatchAdded;

    public bool IsWatchedPage(ulong pageNumber) => _watchedPages.Count != 0 && _watchedPages.Contains(pageNumber);

    /// <summary>Set by devices (or watched writes) that need the host's attention; cleared by the host.</summary>
    public bool AttentionRequested { get; private set; }

    public void RequestAttention() => AttentionRequested = true;

    public void ClearAttention() => AttentionRequested = false;
}
