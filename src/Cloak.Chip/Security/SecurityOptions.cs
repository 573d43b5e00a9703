using Cloak.Chip.Timing;

namespace Cloak.Chip.Security;

/// <summary>How the memory encryption unit protects lines that leave the chip (SPEC 2.2, 2.5).</summary>
public enum MemoryProtectionMode
{
    /// <summary>AES-XTS per line, tweaked by region id and offset: confidentiality only.</summary>
    Confidentiality,
    /// <summary>As confidentiality, plus a MAC and a write counter per line, with an on-chip root over the counters.</summary>
    Authenticated,
}

/// <summary>Sizes and modes of the chip's protection hardware.</summary>
public sealed record SecurityOptions
{
    public MemoryProtectionMode Mode { get; init; } = MemoryProtectionMode.Confidentiality;

    /// <summary>The fewest and most encrypted attribute registers a chip may have per process.</summary>
    public const int MinEarEntries = 4, MaxEarEntries = 1024;

    /// <summary>Entries in each process's encrypted attribute register table (hardware default 64).</summary>
    public int EarEntries { get; init; } = 64;

    /// <summary>Slots in the on-chip key table (keys of the running and recently run processes).</summary>
    public int KeySlots { get; init; } = 64;

    /// <summary>
    /// Protected contexts the chip can track (each has an on-chip version for replay detection, about
    /// 48 bytes with its binding). 1024 lets a sharing group of 256 clients and its owner run beside
    /// other protected processes.
    /// </summary>
    public int ProtectedContexts { get; init; } = 1024;

    /// <summary>Data cache: total bytes and ways (64-byte lines).</summary>
    public int DataCacheBytes { get; init; } = 32 * 1024;
    public int DataCacheWays { get; init; } = 8;

    /// <summary>Instruction cache: total bytes and ways (64-byte lines).</summary>
    public int InstructionCacheBytes { get; init; } = 32 * 1024;
    public int InstructionCacheWays { get; init; } = 8;

    /// <summary>
    /// Integrity roots the chip holds (authenticated mode): one per protected region in use, a fixed
    /// hardware table like the key slots. A root whose region no live context maps stays until the
    /// table needs room; when every root is in use, setting up another region is refused
    /// (<c>RegionTableFull</c>).
    /// </summary>
    public int IntegrityRoots { get; init; } = 1024;

    /// <summary>Verified integrity-tree nodes the chip keeps (authenticated mode).</summary>
    public int IntegrityNodeCache { get; init; } = 4096;

    /// <summary>Cycles the protection hardware adds to the hart's cycle count (the timing model).</summary>
    public CryptoLatency Latency { get; init; } = new();

    /// <summary>The memory hierarchy's timing (L2, DRAM, bus, counter cache) and the protection scheme it models (docs/cost-model.md).</summary>
    public MemoryTiming Timing { get; init; } = new();

    public void Validate()
    {
        static bool PowerOfTwo(int v) => v > 0 && (v & (v - 1)) == 0;
        if (EarEntries is < MinEarEntries or > MaxEarEntries)
            throw new ArgumentOutOfRangeException(nameof(EarEntries), EarEntries, $"EAR entries must be {MinEarEntries}-{MaxEarEntries}");
        if (KeySlots is < 4 or > 4096) throw new ArgumentOutOfRangeException(nameof(KeySlots), KeySlots, "key slots must be 4-4096");
        if (ProtectedContexts is < 1 or > 65536) throw new ArgumentOutOfRangeException(nameof(ProtectedContexts), ProtectedContexts, "protected contexts must be 1-65536");
        foreach (var (bytes, ways, name, bytesName, waysName) in new[]
                 {
                     (DataCacheBytes, DataCacheWays, "data cache", nameof(DataCacheBytes), nameof(DataCacheWays)),
                     (InstructionCacheBytes, InstructionCacheWays, "instruction cache", nameof(InstructionCacheBytes), nameof(InstructionCacheWays)),
                 })
        {
            if (!PowerOfTwo(ways) || ways > 64) throw new ArgumentOutOfRangeException(waysName, ways, $"{name} ways must be a power of two up to 64");
            if (!PowerOfTwo(bytes) || bytes < 64 * ways || bytes > 64 << 20)
                throw new ArgumentOutOfRangeException(bytesName, bytes, $"{name} size must be a power of two of at least 64 x ways bytes and at most 64 MiB");
        }
        Timing.Validate();
        if (IntegrityRoots is < 4 or > 65536) throw new ArgumentOutOfRangeException(nameof(IntegrityRoots), IntegrityRoots, "integrity roots must be 4-65536");
        if (IntegrityNodeCache is < 256 or > 1 << 24) throw new ArgumentOutOfRangeException(nameof(IntegrityNodeCache), IntegrityNodeCache, "integrity node cache must be 256-16M nodes");
    }
}
