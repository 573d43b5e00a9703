using Cloak.Chip;
using Cloak.Chip.Security;
using Cloak.Chip.Timing;
using Cloak.Isa;

namespace Cloak.Observation;

/// <summary>
/// Where simulated cycles went, by the timing model's categories (docs/cost-model.md): <see cref="Core"/>
/// one per instruction retired; <see cref="Cache"/> L1 misses served by the L2 or DRAM and the bus
/// (plain and protected lines alike); the protection scheme's decryption, encryption, MACs, counters
/// and tree; sealing contexts; and <see cref="Other"/> (waiting in wfi, idle time).
/// </summary>
public sealed record CycleBreakdown(ulong Total, ulong Core, ulong Cache, ulong Decrypt, ulong Encrypt, ulong Mac, ulong Tree, ulong Context)
{
    public ulong Other => Total - Math.Min(Total, Core + Cache + Decrypt + Encrypt + Mac + Tree + Context);

    /// <summary>The breakdown of <paramref name="cycles"/> cycles during which <paramref name="c"/> happened.</summary>
    public static CycleBreakdown From(ulong cycles, in ChipCounters c) => new(
        cycles, c.Instructions, c.MemoryCycles, c.DecryptCycles, c.EncryptCycles, c.MacCycles, c.TreeCycles, c.ContextCycles);
}

/// <summary>One process's share of a run.</summary>
public sealed class ProcessStats
{
    internal ProcessStats(int pid, string name) => (Pid, Name) = (pid, name);

    public int Pid { get; }
    public string Name { get; }
    /// <summary>Started from a sealed image.</summary>
    public bool Sealed { get; internal set; }
    /// <summary>Started from a sealed image marked debuggable (<c>cloak seal --debuggable</c>): a debugger sees its registers and plaintext.</summary>
    public bool Debuggable { get; internal set; }
    /// <summary>Ran in encrypted execution mode at some point.</summary>
    public bool Protected { get; internal set; }
    public int? ExitCode { get; internal set; }
    public string? KillReason { get; internal set; }
    /// <summary>Simulated cycles the process held the hart (its run slices).</summary>
    public ulong Cycles { get; internal set; }
    /// <summary>Chip counters accumulated over the process's run slices.</summary>
    public ChipCounters Chip { get; internal set; }
    public ulong ContextSwitches { get; internal set; }
    public ulong Syscalls { get; internal set; }
    public ulong PageFaults { get; internal set; }
    public ulong SwapIns { get; internal set; }
    public ulong SwapOuts { get; internal set; }
    public ulong EarAdded { get; internal set; }
    public ulong EarRemoved { get; internal set; }
    public ulong IntegrityFaults { get; internal set; }
    public ulong MessagesSent { get; internal set; }
    public ulong BytesSent { get; internal set; }
    public ulong Notes { get; internal set; }
    /// <summary>TRP instructions by operation, then by outcome ("ok", "bad-region", ..., or a fault such as "trp-fault").</summary>
    public SortedDictionary<string, SortedDictionary<string, ulong>> Trp { get; } = new(StringComparer.Ordinal);

    internal void CountTrp(TrpRecord record)
    {
        string op = Names.Kebab(record.Operation.ToString());
        string outcome = record.Fault is { } fault ? Names.Kebab(fault.ToString()) : Names.Kebab(record.Status.ToString());
        if (!Trp.TryGetValue(op, out var byOutcome)) Trp[op] = byOutcome = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        byOutcome[outcome] = byOutcome.GetValueOrDefault(outcome) + 1;
    }
}

/// <summary>One protected region's share of a run: its EAR facts and the traffic it caused.</summary>
public sealed class RegionStats
{
    internal RegionStats(uint regionId, uint instance) => (RegionId, Instance) = (regionId, instance);

    public uint RegionId { get; }
    /// <summary>Which copy of a sealed image's private region (the context id), or 0 for everything else.</summary>
    public uint Instance { get; }
    public RegionKind? Kind { get; internal set; }
    public int KeyContext { get; internal set; }
    public ulong Start { get; internal set; }
    public ulong Length { get; internal set; }
    /// <summary>Processes that had an EAR entry for it.</summary>
    public SortedSet<int> Processes { get; } = [];
    public RegionTraffic? Traffic { get; internal set; }

    /// <summary>The cycles the timing model charged for this region's lines (L2 and DRAM, cryptography, counters).</summary>
    public RegionCost Cost => Traffic?.Cost ?? new RegionCost(0, 0, 0, 0, 0);
}

/// <summary>How a run ended, as every report states it.</summary>
public sealed record RunConclusion(string End, int ExitCode, string? Message, TimeSpan HostTime, bool Interrupted = false)
{
    /// <summary>A demo's verdict ("shared correctly", "attack detected", ...), if the run was one.</summary>
    public string? Verdict { get; init; }
    public string? Explanation { get; init; }
}

/// <summary>
/// Everything counted in one run: totals, per process and per region, the machine's configuration and
/// the outcome. Written as JSON by <see cref="StatsJson"/> (schema in docs/stats.md); the text
/// <c>--stats</c> is printed from the same object.
/// </summary>
public sealed class RunStatistics
{
    public const string Schema = "cloak.stats/1";

    /// <summary>"os" (user processes under the OS model) or "bare-metal".</summary>
    public required string Mode { get; init; }
    /// <summary>Every option of the machine, by name (nested objects for option groups).</summary>
    public required IReadOnlyDictionary<string, object?> Configuration { get; init; }
    public required CryptoLatency Latency { get; init; }
    /// <summary>The memory hierarchy's timing and protection scheme the run was modelled with.</summary>
    public MemoryTiming Timing { get; init; } = new();
    public RunConclusion? Conclusion { get; internal set; }
    public ChipCounters Chip { get; internal set; }
    public ulong Cycles { get; internal set; }
    public ulong Instructions { get; internal set; }
    public ulong ContextSwitches { get; internal set; }
    public ulong Syscalls { get; internal set; }
    public ulong PageFaults { get; internal set; }
    public ulong SwapOuts { get; internal set; }
    public ulong SwapIns { get; internal set; }
    public ulong TimerInterrupts { get; internal set; }
    public ulong TrapsTaken { get; internal set; }
    public ulong PageWalks { get; internal set; }
    public ulong DecodedPages { get; internal set; }
    public ulong AdversaryActions { get; internal set; }
    public SortedDictionary<int, ProcessStats> Processes { get; } = [];
    public SortedDictionary<(uint RegionId, uint Instance), RegionStats> Regions { get; } = [];

    public CycleBreakdown CycleBreakdown => CycleBreakdown.From(Cycles, Chip);

    /// <summary>Millions of instructions per host second, or null for a run too short for the figure to mean anything (under 1 M instructions or 20 ms: start-up dominates).</summary>
    public double? Mips => Conclusion is { HostTime.TotalSeconds: >= 0.02 } c && Instructions >= 1_000_000 ? Instructions / c.HostTime.TotalSeconds / 1e6 : null;

    internal ProcessStats Process(int pid, string name)
    {
        if (!Processes.TryGetValue(pid, out var p)) Processes[pid] = p = new ProcessStats(pid, name);
        return p;
    }

    internal RegionStats Region(uint regionId, uint instance)
    {
        if (!Regions.TryGetValue((regionId, instance), out var r)) Regions[(regionId, instance)] = r = new RegionStats(regionId, instance);
        return r;
    }
}

/// <summary>Spelling of names in files: "EarSet" becomes "ear-set", "BadRegion" "bad-region".</summary>
internal static class Names
{
    public static string Kebab(string pascal)
    {
        var s = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])))) s.Append('-');
            s.Append(char.ToLowerInvariant(c));
        }
        return s.ToString();
    }

    /// <summary>"DataCacheBytes" becomes "data_cache_bytes".</summary>
    public static string Snake(string pascal) => Kebab(pascal).Replace('-', '_');
}
