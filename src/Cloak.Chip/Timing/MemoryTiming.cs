using System.Globalization;

namespace Cloak.Chip.Timing;

/// <summary>
/// How protected lines are encrypted for the timing model (docs/cost-model.md). The functional
/// encryption (AES-XTS per line, MACs, counter tree) is the same under both; only what the model
/// charges differs.
/// </summary>
public enum ProtectionScheme
{
    /// <summary>Counterless AES-XTS in the memory controller (TME-MK, SEV-like): decryption starts when the data has arrived.</summary>
    Xts,
    /// <summary>Counter mode with split counters and an on-chip counter cache (SGX-MEE, AISE-like): the pad is computed while the fetch is in flight.</summary>
    Ctr,
}

/// <summary>
/// The memory hierarchy's timing parameters: what a data access costs beyond the one cycle per
/// instruction, for plain and protected lines alike (docs/cost-model.md gives the sources). Misses
/// block the hart (no overlap between misses), so a transfer's bus occupancy is charged in full.
/// </summary>
public sealed record MemoryTiming
{
    public ProtectionScheme Scheme { get; init; } = ProtectionScheme.Xts;

    /// <summary>The on-chip second-level cache (tag-only model; plaintext, so its hits cost no cryptography).</summary>
    public int L2Bytes { get; init; } = 1 << 20;
    public int L2Ways { get; init; } = 16;
    /// <summary>Cycles an L1 miss that hits the L2 costs.</summary>
    public ulong L2HitCycles { get; init; } = 14;

    /// <summary>Cycles from an L2 miss until the line's first bytes arrive from DRAM.</summary>
    public ulong DramCycles { get; init; } = 200;
    /// <summary>Cycles the memory bus is busy moving one 64-byte line (DRAM bandwidth: 64 B per this many cycles).</summary>
    public ulong BusCyclesPerLine { get; init; } = 8;

    /// <summary>The counter cache of the counter-mode scheme and of authenticated memory (split-counter blocks and tree nodes, 64 bytes each).</summary>
    public int CounterCacheBytes { get; init; } = 32 * 1024;
    public int CounterCacheWays { get; init; } = 8;

    public void Validate()
    {
        static bool PowerOfTwo(int v) => v > 0 && (v & (v - 1)) == 0;
        foreach (var (bytes, ways, name) in new[] { (L2Bytes, L2Ways, "L2"), (CounterCacheBytes, CounterCacheWays, "counter cache") })
        {
            if (!PowerOfTwo(ways) || ways > 64) throw new ArgumentOutOfRangeException(nameof(L2Ways), ways, $"{name} ways must be a power of two up to 64");
            if (!PowerOfTwo(bytes) || bytes < 64 * ways || bytes > 256 << 20)
                throw new ArgumentOutOfRangeException(nameof(L2Bytes), bytes, $"{name} size must be a power of two of at least 64 x ways bytes and at most 256 MiB");
        }
        foreach (var (cycles, name) in new[] { (L2HitCycles, "L2 hit"), (DramCycles, "DRAM"), (BusCyclesPerLine, "bus") })
            if (cycles > 1_000_000) throw new ArgumentOutOfRangeException(name, cycles, $"{name} latency must be 0-1000000 cycles");
    }

    /// <summary>Parses "xts" or "ctr".</summary>
    public static ProtectionScheme ParseScheme(string text) => text.Trim().ToLowerInvariant() switch
    {
        "xts" => ProtectionScheme.Xts,
        "ctr" => ProtectionScheme.Ctr,
        _ => throw new FormatException($"'{text}': choose xts or ctr"),
    };

    public static string Name(ProtectionScheme scheme) => scheme == ProtectionScheme.Ctr ? "ctr" : "xts";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name(Scheme)}, L2 {L2Bytes >> 10} KiB/{L2Ways}-way {L2HitCycles} cycles, DRAM {DramCycles} cycles + {BusCyclesPerLine}/line, counter cache {CounterCacheBytes >> 10} KiB/{CounterCacheWays}-way");
}
