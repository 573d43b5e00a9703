using Cloak.Chip.Cpu;

namespace Cloak;

/// <summary>Everything that configures a bare-metal machine; defaults run picolibc programs linked at 0x8000_0000.</summary>
public sealed record MachineOptions
{
    public ulong RamBase { get; init; } = MemoryMap.DefaultRamBase;
    public ulong RamSize { get; init; } = MemoryMap.DefaultRamSize;
    public HartOptions Hart { get; init; } = new();

    /// <summary>The guest's console: semihosting stdout, the UART and HTIF console output.</summary>
    public Stream Stdout { get; init; } = Stream.Null;
    /// <summary>Semihosting's stderr handle (":tt" opened for append).</summary>
    public Stream Stderr { get; init; } = Stream.Null;
    public Stream Stdin { get; init; } = Stream.Null;

    /// <summary>The command line SYS_GET_CMDLINE returns (program name first, as QEMU's -append is not used).</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>
    /// Directory semihosting SYS_OPEN may read and write host files in, or null to refuse every host
    /// file (the console and ":semihosting-features" still work). Paths may not leave this directory.
    /// </summary>
    public string? HostFileRoot { get; init; }

    public void Validate()
    {
        Hart.Validate();
        if (RamSize < 4096 || RamSize % 4096 != 0 || RamSize > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(RamSize), RamSize, "RAM size must be a multiple of 4 KiB between 4 KiB and 2 GiB");
        if (RamBase % 4096 != 0) throw new ArgumentOutOfRangeException(nameof(RamBase), RamBase, "RAM base must be 4 KiB aligned");
        if (RamBase < MemoryMap.UartBase + 0x1000 && RamBase + RamSize > MemoryMap.TestFinisherBase)
            throw new ArgumentOutOfRangeException(nameof(RamBase), RamBase, "RAM must not overlap the devices below 0x1000_1000");
    }
}
