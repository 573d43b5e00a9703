namespace Cloak.Chip.Bus;

/// <summary>
/// A memory-mapped device on the system bus. Offsets are relative to the device's base address.
/// Returning false means the device refuses the access (an access fault for the hart).
/// </summary>
public interface IMmioDevice
{
    string Name { get; }
    ulong Size { get; }
    bool TryRead(ulong offset, int size, out ulong value);
    bool TryWrite(ulong offset, int size, ulong value);
}
