using Cloak.Platform;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// A logic analyser on the memory bus (SPEC 2.2: "Observers may tap it"): counts every transfer,
/// remembers each one's address and direction, and searches its bytes for byte patterns as it goes.
/// </summary>
internal sealed class PatternBusTap(IReadOnlyList<(string Name, byte[] Pattern)> patterns) : IBusTap
{
    private readonly List<(ulong Address, BusDirection Direction)> _transfers = [];
    private readonly List<string> _sightings = [];

    public int Transfers => _transfers.Count;
    public int Reads { get; private set; }
    public int Writes { get; private set; }

    /// <summary>Transfers whose bytes are all zero (a line that left the chip unencrypted would often be).</summary>
    public int AllZeroTransfers { get; private set; }

    /// <summary>"&lt;pattern&gt; in a &lt;direction&gt; of line 0x..." for every pattern found.</summary>
    public IReadOnlyList<string> Sightings => _sightings;

    public IReadOnlyList<(ulong Address, BusDirection Direction)> Log => _transfers;

    public void Observe(in BusTransfer transfer)
    {
        _transfers.Add((transfer.Address, transfer.Direction));
        if (transfer.Direction == BusDirection.Read) Reads++;
        else Writes++;
        if (!transfer.Data.AsSpan().ContainsAnyExcept((byte)0)) AllZeroTransfers++;
        foreach (var (name, pattern) in patterns)
            if (transfer.Data.AsSpan().IndexOf(pattern) >= 0)
                _sightings.Add($"{name} in a {transfer.Direction} of 0x{transfer.Address:x}");
    }
}
