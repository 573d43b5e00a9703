namespace Cloak.Chip.Bus.Devices;

/// <summary>
/// SiFive's test finisher (QEMU virt: "sifive_test" at 0x10_0000): a 32-bit write of 0x5555 powers
/// off with success, 0x3333 with failure code (value >> 16), 0x7777 requests a reset (treated as a
/// stop with code 0, since Cloak does not reboot). The bus gets the host's attention.
/// </summary>
public sealed class TestFinisher(SystemBus bus) : IMmioDevice
{
    public string Name => "test-finisher";
    public ulong Size => 0x1000;

    /// <summary>The exit code requested by the guest, or null if it has not asked to stop.</summary>
    public int? ExitCode { get; private set; }

    public bool TryRead(ulong offset, int size, out ulong value)
    {
        value = 0;
        return size == 4 && offset == 0;
    }

    public bool TryWrite(ulong offset, int size, ulong value)
    {
        if (size != 4 || offset != 0) return false;
        switch (value & 0xFFFF)
        {
            case 0x5555: ExitCode = 0; break;
            case 0x3333: ExitCode = (int)(value >> 16 & 0xFFFF); break;
            case 0x7777: ExitCode = 0; break;
            default: return true;
        }
        bus.RequestAttention();
        return true;
    }
}
