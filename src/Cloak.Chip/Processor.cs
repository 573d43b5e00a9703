using Cloak.Chip.Bus;
using Cloak.Chip.Bus.Devices;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Chip;

/// <summary>
/// The processor package and the DRAM wired to it: one hart, its CLINT, the system bus.
/// Everything on this object is the hardware's own view; an operating system model gets the
/// narrow <see cref="OsPort"/> instead (see <see cref="Port"/>).
/// </summary>
public sealed class Processor
{
    public Processor(ChipOptions options)
    {
        options.Validate();
        Options = options;
        Dram = new Dram(options.RamBase, options.RamSize);
        Bus = new SystemBus(Dram);
        Hart hart = null!;
        Clint = new Clint(() => hart.Cycles, options.Hart.CyclesPerTimerTick);
        hart = new Hart(Bus, Clint, options.Hart);
        Hart = hart;
        Bus.Attach(options.ClintBase, Clint);
        if (options.Identity is not null)
        {
            if (!Crypto.CryptoSelfTest.Run()) throw new InvalidOperationException("the chip's cryptography failed its power-on self test");
            Protection = new ProtectionUnit(options.Identity, options.Security, Dram);
            hart.AttachProtection(Protection);
            // External masters see DRAM as if the caches were written back (and dropped before they write).
            Dram.Coherence = (address, length, isWrite) => Protection.DataCache.Flush(address, length, invalidate: isWrite);
        }
        _port = new ChipPort(this);
    }

    internal ProtectionUnit? Protection { get; }

    /// <summary>True if this chip has the tamper-resistant protection unit (an identity).</summary>
    public bool IsTamperResistant => Protection is not null;

    /// <summary>What the bus carries; attach a tap to see every line the encryption path moves and, while tapped, every plain data access to DRAM (the hart then runs without its fast paths).</summary>
    public BusInterfaceUnit? BusInterface => Protection?.Bus;

    /// <summary>Off-chip integrity metadata (authenticated mode): the adversary may read and write it.</summary>
    public IntegrityMetadataStore? IntegrityMetadata => Protection?.Metadata;

    /// <summary>Counters of the protection hardware and caches (zeros for a plain chip).</summary>
    public ChipStatistics Statistics() => new(
        Protection?.Encryption.Statistics ?? new EncryptionStatistics(),
        Protection?.Statistics ?? new ProtectionStatistics(),
        Protection?.DataCache.Statistics.Hits + Hart.CacheFastHits ?? 0,
        Protection?.DataCache.Statistics.Misses ?? 0,
        Protection?.DataCache.Statistics.WriteBacks ?? 0,
        Hart.InstructionCache?.Statistics.Misses ?? 0,
        Protection?.Bus.LinesRead ?? 0,
        Protection?.Bus.LinesWritten ?? 0)
    {
        Cycles = Hart.Cycles,
        ProtectionStallCycles = Protection?.StallCycles ?? 0,
    };

    /// <summary>Writes every dirty protected line back (so DRAM holds the final ciphertext).</summary>
    public void FlushCaches() => Protection?.DataCache.WriteBackAll();

    public ChipOptions Options { get; }
    public Dram Dram { get; }
    public SystemBus Bus { get; }
    public Clint Clint { get; }
    public Hart Hart { get; }

    private readonly ChipPort _port;

    /// <summary>
    /// The door an operating system uses: run user contexts, program the timer, touch DRAM. This is
    /// the only thing to hand an OS model or an adversary; the processor itself stays with the host.
    /// </summary>
    public OsPort Port => Options.Hart.HostHandlesTraps
        ? _port
        : throw new InvalidOperationException("an OS model handles traps itself: build the processor with HartOptions.HostHandlesTraps = true to get its OsPort");

    /// <summary>Nominal clock: the CLINT timebase is 10 MHz at the default divider of 10 cycles per tick.</summary>
    public ulong ClockHz => 10_000_000 * Options.Hart.CyclesPerTimerTick;
}

/// <summary>A snapshot of the chip's protection counters.</summary>
public sealed record ChipStatistics(
    EncryptionStatistics Encryption, ProtectionStatistics Protection, ulong DataCacheHits, ulong DataCacheMisses,
    ulong DataCacheWriteBacks, ulong InstructionCacheMisses, ulong BusLinesRead, ulong BusLinesWritten)
{
    /// <summary>The hart's simulated cycles (instructions, wfi waits and the protection hardware's latency).</summary>
    public ulong Cycles { get; init; }
    /// <summary>Of those, the cycles the protection hardware added (<see cref="Security.CryptoLatency"/>).</summary>
    public ulong ProtectionStallCycles { get; init; }
}
