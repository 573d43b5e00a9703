using System.Globalization;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Chip.Timing;

namespace Cloak.Experiments;

/// <summary>One program of an experiment: its file (ELF or sealed image), its argv after argv[0], and the name it runs under.</summary>
public sealed record ProcessSpec(string File, IReadOnlyList<string> Arguments, string? Name = null);

/// <summary>
/// An experiment as one versioned description (a run file, docs/run-files.md, or the options of
/// <c>cloak run</c>): the processes, the chip, the OS, the attacks and what to record. Every knob is
/// optional; what is left null takes Cloak's default. <see cref="With"/> lays one description over
/// another (command-line options over a run file).
/// </summary>
public sealed record ExperimentSpec
{
    public IReadOnlyList<ProcessSpec> Processes { get; init; } = [];

    // The chip.
    public string? ChipKey { get; init; }
    public bool? Authenticated { get; init; }
    public ulong? DataCacheBytes { get; init; }
    public ulong? InstructionCacheBytes { get; init; }
    public int? CacheWays { get; init; }
    public int? EarEntries { get; init; }
    public CryptoLatency? Latency { get; init; }
    /// <summary>The protection scheme the timing model charges for (docs/cost-model.md).</summary>
    public ProtectionScheme? Scheme { get; init; }
    public int? TlbEntries { get; init; }
    public bool? TrapMisaligned { get; init; }
    /// <summary>How the hart executes (translated blocks or the interpreter); null: <c>CLOAK_ENGINE</c>, else translate.</summary>
    public ExecutionEngine? Engine { get; init; }

    // The OS and the machine.
    public ulong? RamBytes { get; init; }
    public ulong? SwapBytes { get; init; }
    public ulong? Quantum { get; init; }
    public int? Seed { get; init; }
    public long? MaxInstructions { get; init; }

    // Attacks.
    public IReadOnlyList<AttackSpec> Attacks { get; init; } = [];
    /// <summary>What snoop, remap and mitm look for in what the OS sees.</summary>
    public string? Secret { get; init; }

    // What to record.
    public bool? Stats { get; init; }
    public string? StatsJson { get; init; }
    public string? Events { get; init; }
    public string? EventsFilter { get; init; }
    public string? Timeline { get; init; }
    public string? Report { get; init; }
    public string? Trace { get; init; }
    public string? OutputDir { get; init; }

    /// <summary>This description with every knob <paramref name="over"/> sets replacing ours (attacks and processes: its list if non-empty).</summary>
    public ExperimentSpec With(ExperimentSpec over) => new()
    {
        Processes = over.Processes.Count > 0 ? over.Processes : Processes,
        ChipKey = over.ChipKey ?? ChipKey,
        Authenticated = over.Authenticated ?? Authenticated,
        DataCacheBytes = over.DataCacheBytes ?? DataCacheBytes,
        InstructionCacheBytes = over.InstructionCacheBytes ?? InstructionCacheBytes,
        CacheWays = over.CacheWays ?? CacheWays,
        EarEntries = over.EarEntries ?? EarEntries,
        Latency = over.Latency ?? Latency,
        Scheme = over.Scheme ?? Scheme,
        TlbEntries = over.TlbEntries ?? TlbEntries,
        TrapMisaligned = over.TrapMisaligned ?? TrapMisaligned,
        Engine = over.Engine ?? Engine,
        RamBytes = over.RamBytes ?? RamBytes,
        SwapBytes = over.SwapBytes ?? SwapBytes,
        Quantum = over.Quantum ?? Quantum,
        Seed = over.Seed ?? Seed,
        MaxInstructions = over.MaxInstructions ?? MaxInstructions,
        Attacks = over.Attacks.Count > 0 ? over.Attacks : Attacks,
        Secret = over.Secret ?? Secret,
        Stats = over.Stats ?? Stats,
        StatsJson = over.StatsJson ?? StatsJson,
        Events = over.Events ?? Events,
        EventsFilter = over.EventsFilter ?? EventsFilter,
        Timeline = over.Timeline ?? Timeline,
        Report = over.Report ?? Report,
        Trace = over.Trace ?? Trace,
        OutputDir = over.OutputDir ?? OutputDir,
    };
}

/// <summary>Sizes and addresses as users type them: "128M", "64KiB", "0x1000", "1_000_000".</summary>
public static class Quantities
{
    public static bool TryParseNumber(string text, out ulong value)
    {
        string t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A size with an optional K, M, G (or KiB, MiB, GiB) suffix, powers of 1024.</summary>
    public static bool TryParseSize(string text, out ulong value)
    {
        string t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        ulong multiplier = 1;
        foreach (var (suffix, factor) in new[] { ("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30), ("K", 1UL << 10), ("M", 1UL << 20), ("G", 1UL << 30) })
        {
            if (!t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            multiplier = factor;
            t = t[..^suffix.Length];
            break;
        }
        value = 0;
        if (!TryParseNumber(t, out ulong n) || n > ulong.MaxValue / multiplier) return false;
        value = n * multiplier;
        return true;
    }
}
