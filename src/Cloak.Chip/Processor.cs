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

    private ChipObserver? _observer;

    /// <summary>
    /// The host's instrument on the chip (statistics, event traces): told of TRP instructions, EAR
    /// changes, integrity faults and context seals, by ids and statuses only. A host power: the OS
    /// gets the <see cref="Port"/>, never this. Setting it also turns on per-region traffic counting
    /// (<see cref="RegionTraffic"/>).
    /// </summary>
    public ChipObserver? Observer
    {
        get => _observer;
        set
        {
            _observer = value;
            Hart.Observer = value;
            if (Protection is { } protection)
            {
                protection.Bus.Observer = value;
                protection.Encryption.CountPerRegion(value is not null);
            }
        }
    }

    /// <summary>Lines moved per protected region since the observer was set (empty without one): what each region cost.</summary>
    public IReadOnlyList<RegionTraffic> RegionTraffic() => Protection?.Encryption.RegionTraffic() ?? [];

    /// <summary>The chip's counters as one value (no allocation): what a per-process statistic subtracts around each run slice.</summary>
    public ChipCounters Counters()
    {
        var p = Protection;
        var e = p?.Encryption.Statistics;
        return new ChipCounters
        {
            Cycles = Hart.Cycles,
            Instructions = Hart.InstructionsRetired,
            LinesDecrypted = e?.LinesDecrypted ?? 0,
            LinesEncrypted = e?.LinesEncrypted ?? 0,
            FreshLines = e?.FreshLines ?? 0,
            MacChecks = e?.MacChecks ?? 0,
            MacWrites = e?.MacWrites ?? 0,
            MacFailures = e?.MacFailures ?? 0,
            TreeNodes = p?.Tree is { } tree ? tree.NodeVerifications + tree.NodeUpdates : 0,
            ContextSeals = p?.Statistics.ContextSaves ?? 0,
            ContextUnseals = p?.Statistics.ContextRestores ?? 0,
            DataCacheHits = (p?.DataCache.Statistics.Hits ?? 0) + Hart.CacheFastHits,
            DataCacheMisses = p?.DataCache.Statistics.Misses ?? 0,
            DataCacheWriteBacks = p?.DataCache.Statistics.WriteBacks ?? 0,
            InstructionCacheMisses = Hart.InstructionCache?.Statistics.Misses ?? 0,
            EarLookups = p?.Statistics.EarLookups ?? 0,
            IntegrityFaults = p?.Statistics.IntegrityFaults ?? 0,
            TrpInstructions = p?.Statistics.TrpInstructions ?? 0,
            BusLinesRead = p?.Bus.LinesRead ?? 0,
            BusLinesWritten = p?.Bus.LinesWritten ?? 0,
            MemoryCycles = p?.Timing.MemoryCycles ?? 0,
            DecryptCycles = p?.Timing.DecryptCycles ?? 0,
            EncryptCycles = p?.Timing.EncryptCycles ?? 0,
            MacCycles = p?.Timing.MacCycles ?? 0,
            TreeCycles = p?.Timing.TreeCycles ?? 0,
            ContextCycles = p?.ContextCycles ?? 0,
            L2Hits = p?.Timing.L2Hits ?? 0,
            L2Misses = p?.Timing.L2Misses ?? 0,
            CounterCacheHits = p?.Timing.CounterCacheHits ?? 0,
            CounterCacheMisses = p?.Timing.CounterCacheMisses ?? 0,
        };
    }

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

/// <summary>
/// The chip's event counters at one moment. Differences between two readings give what happened in
/// between (a run slice of one process, say). The *Cycles fields are what the memory hierarchy's
/// timing model charged, by category (docs/cost-model.md); their sum plus one cycle per instruction
/// and the wfi waits is <see cref="Cycles"/>.
/// </summary>
public readonly record struct ChipCounters
{
    public ulong Cycles { get; init; }
    public ulong Instructions { get; init; }
    public ulong LinesDecrypted { get; init; }
    public ulong LinesEncrypted { get; init; }
    public ulong FreshLines { get; init; }
    public ulong MacChecks { get; init; }
    public ulong MacWrites { get; init; }
    public ulong MacFailures { get; init; }
    public ulong TreeNodes { get; init; }
    public ulong ContextSeals { get; init; }
    public ulong ContextUnseals { get; init; }
    public ulong DataCacheHits { get; init; }
    public ulong DataCacheMisses { get; init; }
    public ulong DataCacheWriteBacks { get; init; }
    public ulong InstructionCacheMisses { get; init; }
    public ulong EarLookups { get; init; }
    public ulong IntegrityFaults { get; init; }
    public ulong TrpInstructions { get; init; }
    public ulong BusLinesRead { get; init; }
    public ulong BusLinesWritten { get; init; }
    /// <summary>Modelled cycles of L1 misses in the L2 and DRAM and of the bus (plain and protected lines alike).</summary>
    public ulong MemoryCycles { get; init; }
    public ulong DecryptCycles { get; init; }
    public ulong EncryptCycles { get; init; }
    public ulong MacCycles { get; init; }
    public ulong TreeCycles { get; init; }
    public ulong ContextCycles { get; init; }
    public ulong L2Hits { get; init; }
    public ulong L2Misses { get; init; }
    public ulong CounterCacheHits { get; init; }
    public ulong CounterCacheMisses { get; init; }

    public static ChipCounters operator -(ChipCounters a, ChipCounters b) => new()
    {
        Cycles = a.Cycles - b.Cycles,
        Instructions = a.Instructions - b.Instructions,
        LinesDecrypted = a.LinesDecrypted - b.LinesDecrypted,
        LinesEncrypted = a.LinesEncrypted - b.LinesEncrypted,
        FreshLines = a.FreshLines - b.FreshLines,
        MacChecks = a.MacChecks - b.MacChecks,
        MacWrites = a.MacWrites - b.MacWrites,
        MacFailures = a.MacFailures - b.MacFailures,
        TreeNodes = a.TreeNodes - b.TreeNodes,
        ContextSeals = a.ContextSeals - b.ContextSeals,
        ContextUnseals = a.ContextUnseals - b.ContextUnseals,
        DataCacheHits = a.DataCacheHits - b.DataCacheHits,
        DataCacheMisses = a.DataCacheMisses - b.DataCacheMisses,
        DataCacheWriteBacks = a.DataCacheWriteBacks - b.DataCacheWriteBacks,
        InstructionCacheMisses = a.InstructionCacheMisses - b.InstructionCacheMisses,
        EarLookups = a.EarLookups - b.EarLookups,
        IntegrityFaults = a.IntegrityFaults - b.IntegrityFaults,
        TrpInstructions = a.TrpInstructions - b.TrpInstructions,
        BusLinesRead = a.BusLinesRead - b.BusLinesRead,
        BusLinesWritten = a.BusLinesWritten - b.BusLinesWritten,
        MemoryCycles = a.MemoryCycles - b.MemoryCycles,
        DecryptCycles = a.DecryptCycles - b.DecryptCycles,
        EncryptCycles = a.EncryptCycles - b.EncryptCycles,
        MacCycles = a.MacCycles - b.MacCycles,
        TreeCycles = a.TreeCycles - b.TreeCycles,
        ContextCycles = a.ContextCycles - b.ContextCycles,
        L2Hits = a.L2Hits - b.L2Hits,
        L2Misses = a.L2Misses - b.L2Misses,
        CounterCacheHits = a.CounterCacheHits - b.CounterCacheHits,
        CounterCacheMisses = a.CounterCacheMisses - b.CounterCacheMisses,
    };

    public static ChipCounters operator +(ChipCounters a, ChipCounters b) => new()
    {
        Cycles = a.Cycles + b.Cycles,
        Instructions = a.Instructions + b.Instructions,
        LinesDecrypted = a.LinesDecrypted + b.LinesDecrypted,
        LinesEncrypted = a.LinesEncrypted + b.LinesEncrypted,
        FreshLines = a.FreshLines + b.FreshLines,
        MacChecks = a.MacChecks + b.MacChecks,
        MacWrites = a.MacWrites + b.MacWrites,
        MacFailures = a.MacFailures + b.MacFailures,
        TreeNodes = a.TreeNodes + b.TreeNodes,
        ContextSeals = a.ContextSeals + b.ContextSeals,
        ContextUnseals = a.ContextUnseals + b.ContextUnseals,
        DataCacheHits = a.DataCacheHits + b.DataCacheHits,
        DataCacheMisses = a.DataCacheMisses + b.DataCacheMisses,
        DataCacheWriteBacks = a.DataCacheWriteBacks + b.DataCacheWriteBacks,
        InstructionCacheMisses = a.InstructionCacheMisses + b.InstructionCacheMisses,
        EarLookups = a.EarLookups + b.EarLookups,
        IntegrityFaults = a.IntegrityFaults + b.IntegrityFaults,
        TrpInstructions = a.TrpInstructions + b.TrpInstructions,
        BusLinesRead = a.BusLinesRead + b.BusLinesRead,
        BusLinesWritten = a.BusLinesWritten + b.BusLinesWritten,
        MemoryCycles = a.MemoryCycles + b.MemoryCycles,
        DecryptCycles = a.DecryptCycles + b.DecryptCycles,
        EncryptCycles = a.EncryptCycles + b.EncryptCycles,
        MacCycles = a.MacCycles + b.MacCycles,
        TreeCycles = a.TreeCycles + b.TreeCycles,
        ContextCycles = a.ContextCycles + b.ContextCycles,
        L2Hits = a.L2Hits + b.L2Hits,
        L2Misses = a.L2Misses + b.L2Misses,
        CounterCacheHits = a.CounterCacheHits + b.CounterCacheHits,
        CounterCacheMisses = a.CounterCacheMisses + b.CounterCacheMisses,
    };
}
