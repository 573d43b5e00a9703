namespace Cloak.Platform;

public enum BusDirection : byte { Read, Write }

/// <summary>
/// One transfer on the memory bus: a whole cache line moved by the memory encryption path, or a
/// single plain data access to DRAM (IsLine false), reported while a tap is attached. Plain code is
/// fetched once per decoded page and not reported.
/// </summary>
public readonly record struct BusTransfer(ulong Address, BusDirection Direction, byte[] Data, bool IsLine);

/// <summary>Something listening on the bus (a logic analyser, a snooping adversary).</summary>
public interface IBusTap
{
    void Observe(in BusTransfer transfer);
}
