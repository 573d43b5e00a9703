using Cloak.Platform;

namespace Cloak.Chip.Bus;

/// <summary>
/// The bus interface unit (SPEC 2.2): the chip's only path to DRAM for cached lines. It counts
/// transfers and hands a copy of each to the attached taps; what crosses here is all an attacker on
/// the bus can see.
/// </summary>
public sealed class BusInterfaceUnit(Dram dram)
{
    private readonly List<IBusTap> _taps = [];

    public ulong LinesRead { get; private set; }
    public ulong LinesWritten { get; private set; }
    public ulong UncachedTransfers { get; private set; }
    public bool Tapped => _taps.Count > 0;

    /// <summary>Raised when the bus goes from untapped to tapped or back (the hart then reports its plain accesses, or stops).</summary>
    internal event Action<bool>? TappedChanged;

    public void Attach(IBusTap tap)
    {
        _taps.Add(tap);
        if (_taps.Count == 1) TappedChanged?.Invoke(true);
    }

    public void Detach(IBusTap tap)
    {
        if (_taps.Remove(tap) && _taps.Count == 0) TappedChanged?.Invoke(false);
    }

    /// <summary>The host's instrument (<see cref="Processor.Observer"/>): told of each line with the key context it belongs to, which a probe on the bus cannot see.</summary>
    internal ChipObserver? Observer { get; set; }

    internal void ReadLine(ulong address, Span<byte> line, int keyContext)
    {
        dram.ReadRaw(address, line);
        LinesRead++;
        if (_taps.Count > 0) Notify(new BusTransfer(address, BusDirection.Read, line.ToArray(), true));
        Observer?.LineTransferred(address, BusDirection.Read, keyContext);
    }

    internal void WriteLine(ulong address, ReadOnlySpan<byte> line, int keyContext)
    {
        dram.WriteRaw(address, line);
        LinesWritten++;
        if (_taps.Count > 0) Notify(new BusTransfer(address, BusDirection.Write, line.ToArray(), true));
        Observer?.LineTransferred(address, BusDirection.Write, keyContext);
    }

    /// <summary>Reports a plain (unencrypted) data access the hart made to DRAM (only while tapped: the hart then leaves its fast paths).</summary>
    internal void ObserveUncached(ulong address, BusDirection direction, ReadOnlySpan<byte> data)
    {
        UncachedTransfers++;
        if (_taps.Count > 0) Notify(new BusTransfer(address, direction, data.ToArray(), false));
    }

    private void Notify(in BusTransfer transfer)
    {
        foreach (var tap in _taps) tap.Observe(transfer);
    }
}
