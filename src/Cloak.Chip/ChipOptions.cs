using Cloak.Chip.Cpu;
using Cloak.Chip.Security;

namespace Cloak.Chip;

/// <summary>Configuration of the chip and the DRAM attached to it.</summary>
public sealed record ChipOptions
{
    public const ulong DefaultRamBase = 0x8000_0000;
    public const ulong DefaultClintBase = 0x0200_0000;

    public ulong RamBase { get; init; } = DefaultRamBase;
    public ulong RamSize { get; init; } = 128UL << 20;
    public ulong ClintBase { get; init; } = DefaultClintBase;
    public HartOptions Hart { get; init; } = new();

    /// <summary>The chip's identity; without one the chip has no protection unit (a plain RISC-V chip).</summary>
    public ChipIdentity? Identity { get; init; }

    public SecurityOptions Security { get; init; } = new();

    public void Validate()
    {
        Hart.Validate();
        Security.Validate();
        if (RamSize < 4096 || RamSize % 4096 != 0 || RamSize > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(RamSize), RamSize, "RAM size must be a multiple of 4 KiB between 4 KiB and 2 GiB");
        if (RamBase % 4096 != 0)
            throw new ArgumentOutOfRangeException(nameof(RamBase), RamBase, "RAM base must be 4 KiB aligned");
        if (RamBase + RamSize < RamBase)
            throw new ArgumentOutOfRangeException(nameof(RamBase), RamBase, "RAM range wraps around the address space");
    }
}
