using System.Diagnostics;
using Cloak.Attacks.Chaos;
using Cloak.Demo;

namespace Cloak.Chaos;

/// <summary>What a campaign runs: seeds <see cref="FirstSeed"/> to <see cref="LastSeed"/>, each case drawn from its seed unless fixed here.</summary>
public sealed record CampaignOptions
{
    public int FirstSeed { get; init; } = 1;
    public int LastSeed { get; init; } = 1;
    public ShareMethod? Method { get; init; }
    public bool? Authenticated { get; init; }

    /// <summary>Runs each seed twice and compares the traces (the determinism invariant); doubles the cost.</summary>
    public bool Repeat { get; init; }

    /// <summary>Managed heap after a full collection, after each run, must stay under this.</summary>
    public long ManagedBoundBytes { get; init; } = DefaultManagedBound;

    /// <summary>The process's working set after each run must stay under this.</summary>
    public long WorkingSetBoundBytes { get; init; } = DefaultWorkingSetBound;

    public const long DefaultManagedBound = 256L << 20;
    public const long DefaultWorkingSetBound = 2L << 30;
}

/// <summary>The figures of a campaign (docs/reliability.md records them).</summary>
public sealed class CampaignSummary
{
    public int Seeds { get; internal set; }
    public int Runs { get; internal set; }
    public TimeSpan Elapsed { get; internal set; }
    public long Actions { get; internal set; }
    public long IntegrityFaults { get; internal set; }
    public long Instructions { get; internal set; }
    public long PeakManagedBytes { get; internal set; }
    public long PeakWorkingSetBytes { get; internal set; }
    public int WholeTracesClaimed { get; internal set; }
    public Dictionary<ChaosActionKind, long> ActionsByKind { get; } = [];
    public Dictionary<string, long> Endings { get; } = new(StringComparer.Ordinal);
    public List<(ChaosCase Case, Violation Violation)> Violations { get; } = [];

    /// <summary>Canaries a program the chaos had tampered with stored in plain itself (<see cref="ChaosRunResult.Disclosures"/>), with their seeds.</summary>
    public List<(ChaosCase Case, string Disclosure)> Disclosures { get; } = [];
    public double RunsPerSecond => Elapsed.TotalSeconds > 0 ? Runs / Elapsed.TotalSeconds : 0;

    /// <summary>The last seed run (below the range's end when the campaign was stopped early).</summary>
    public int? LastSeedRun { get; internal set; }

    /// <summary>True if the campaign stopped before the end of its range (<c>stop</c> was cancelled).</summary>
    public bool Stopped { get; internal set; }
}

/// <summary>Runs a range of seeds and checks each run, and the host after it.</summary>
public static class ChaosCampaign
{
    /// <param name="stop">Cancelled to end the campaign after the seed running now (a long campaign stopped by hand still reports its figures).</param>
    public static CampaignSummary Run(CampaignOptions options, GuestPrograms programs, Action<ChaosRunResult, IReadOnlyList<Violation>, long>? each = null,
        CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var summary = new CampaignSummary();
        var clock = Stopwatch.StartNew();
        for (long seed = options.FirstSeed; seed <= options.LastSeed; seed++)
        {
            if (stop.IsCancellationRequested)
            {
                summary.Stopped = true;
                break;
            }
            var chaosCase = ChaosCase.FromSeed((int)seed, options.Method, options.Authenticated);
            var result = ChaosRun.Execute(chaosCase, programs);
            var violations = result.Violations.ToList();
            summary.Runs++;
            if (options.Repeat)
            {
                var again = ChaosRun.Execute(chaosCase, programs);
                summary.Runs++;
                if (again.ClaimedHash != result.ClaimedHash || again.ClaimedLines != result.ClaimedLines)
                    violations.Add(new Violation(Invariant.Nondeterministic,
                        $"the trace claimed to repeat ({result.ClaimedLines} of {result.TraceLines} events, hash {result.ClaimedHash[..16]}) " +
                        $"came out {again.ClaimedLines} of {again.TraceLines} events, hash {again.ClaimedHash[..16]}, the second time"));
            }
            long managed = GC.GetTotalMemory(forceFullCollection: true);
            long workingSet = Environment.WorkingSet;
            if (managed > options.ManagedBoundBytes)
                violations.Add(new Violation(Invariant.MemoryBound, $"{managed >> 20} MiB of managed heap after the run (bound {options.ManagedBoundBytes >> 20} MiB)"));
            if (workingSet > options.WorkingSetBoundBytes)
                violations.Add(new Violation(Invariant.MemoryBound, $"{workingSet >> 20} MiB working set after the run (bound {options.WorkingSetBoundBytes >> 20} MiB)"));
            summary.Seeds++;
            summary.Actions += result.Actions.Count;
            summary.IntegrityFaults += result.IntegrityFaults;
            summary.Instructions += (long)result.Instructions;
            summary.PeakManagedBytes = Math.Max(summary.PeakManagedBytes, managed);
            summary.PeakWorkingSetBytes = Math.Max(summary.PeakWorkingSetBytes, workingSet);
            if (result.WholeTraceClaimed) summary.WholeTracesClaimed++;
            foreach (var action in result.Actions) summary.ActionsByKind[action.Kind] = summary.ActionsByKind.GetValueOrDefault(action.Kind) + 1;
            foreach (string outcome in result.Outcomes) Count(summary.Endings, outcome);
            foreach (var v in violations) summary.Violations.Add((chaosCase, v));
            foreach (string d in result.Disclosures) summary.Disclosures.Add((chaosCase, d));
            summary.LastSeedRun = (int)seed;
            each?.Invoke(result, violations, managed);
        }
        summary.Elapsed = clock.Elapsed;
        return summary;
    }

    /// <summary>Counts endings by kind ("Exited 0", "Fault IntegrityFault", ...), without who.</summary>
    private static void Count(Dictionary<string, long> endings, string outcome)
    {
        string ending = outcome[(outcome.IndexOf("): ", StringComparison.Ordinal) + 3)..];
        endings[ending] = endings.GetValueOrDefault(ending) + 1;
    }
}
