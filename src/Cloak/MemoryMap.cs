namespace Cloak;

/// <summary>
/// The default physical memory map, chosen to match QEMU's "virt" board so the same bare-metal ELF
/// runs on both (QEMU hw/riscv/virt.c): test finisher, CLINT, UART, DRAM.
/// </summary>
public static class MemoryMap
{
    public const ulong TestFinisherBase = 0x0010_0000;
    public const ulong ClintBase = 0x0200_0000;
    public const ulong UartBase = 0x1000_0000;
    public const ulong DefaultRamBase = 0x8000_0000;
    public const ulong DefaultRamSize = 128UL << 20;
}
