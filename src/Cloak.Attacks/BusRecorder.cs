using Cloak.Platform;

namespace Cloak.Attacks;

/// <summary>A logic analyser on the memory bus: keeps every transfer's bytes for later searching.</summary>
public sealed class BusRecorder : IBusTap
{
    private readonly List<BusTransfer> _transfers = [];

    public int Transfers => _transfers.Count;

    public void Observe(in BusTransfer transfer) => _transfers.Add(transfer);

    /// <summary>Transfers whose bytes contain <paramref name="pattern"/>.</summary>
    public IReadOnlyList<BusTransfer> Containing(ReadOnlySpan<byte> pattern)
    {
        var found = new List<BusTransfer>();
        foreach (var t in _transfers)
            if (t.Data.AsSpan().IndexOf(pattern) >= 0) found.Add(t);
        return found;
    }
}
