using System.Diagnostics;
using Cloak.Attacks.Chaos;
using Cloak.Chip;
using Cloak.Demo;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Sealing;

namespace Cloak.Chaos;

/// <summary>What one chaos run did and which invariants it broke.</summary>
public sealed record ChaosRunResult(
    ChaosCase Case, IReadOnlyList<Violation> Violations, IReadOnlyList<ChaosAction> Actions, IReadOnlyList<string> Outcomes,
    string TraceHash, string ClaimedHash, int TraceLines, int ClaimedLines, TimeSpan Elapsed, ulong Instructions, int IntegrityFaults, int Scans)
{
    /// <summary>Canaries found where a program the chaos had tampered with stored them in plain itself (confidentiality mode only; not violations).</summary>
    public IReadOnlyList<string> Disclosures { get; init; } = [];

    /// <summary>True if the determinism claim covers the whole trace (not only a prefix).</summary>
    public bool WholeTraceClaimed => ClaimedLines == TraceLines;
}

/// <summary>Where the guest programs a chaos run needs are.</summary>
public sealed record GuestPrograms(string ShareDirectory, string CanaryElf)
{
    public static GuestPrograms Locate()
    {
        var runtime = Sdk.GuestRuntime.Locate();
        return new GuestPrograms(runtime.ShareProgramDirectory, Path.Combine(runtime.BuildDirectory, "tests", "user", "canary.elf"));
    }
}

/// <summary>
/// Runs one sharing scenario (<see cref="ShareScenario"/>, sealed owner and clients on a fresh chip)
/// with a <see cref="ChaosAdversary"/>, plus the sealed canary program (guest/tests/user/canary.c) as
/// one more victim, and holds the run to the invariants: those <see cref="InvariantWatch"/> checks as
/// it goes, and at the end the ones about how the processes ended.
/// </summary>
public static class ChaosRun
{
    /// <summary>
    /// All processes together stop here: an uninterrupted run takes at most about 2 million, and a chaos
    /// that kills the owner early leaves clients polling for its channels until this budget ends them
    /// (seed 33 of the first campaign, counter flips only, spent 40 million, ten minutes on the loaded
    /// CI machine, under the first budget: four times the longest clean run is plenty).
    /// </summary>
    public const long InstructionBudget = 8_000_000;

    /// <summary>Rounds of the canary program (each a yield and some work): it lives through most of the sharing.</summary>
    private const string CanaryRounds = "30";

    /// <summary>The canary program's patterns that must stay on chip: .data, heap, stack (its fourth, in a plain shared segment, is the OS's to see).</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Canaries { get; } =
    [
        ("the shared records' marker \"SECRET record\"", ShareScenario.Marker),
        ("the canary program's .data pattern", CanaryPattern(0)),
        ("the canary program's heap pattern", CanaryPattern(1)),
        ("the canary program's stack pattern", CanaryPattern(2)),
    ];

    /// <summary>guest/tests/user/canary.c's pattern k: byte i = ((16k + i) * 0x3B + 0x5A) ^ 0xA7.</summary>
    public static byte[] CanaryPattern(int k)
    {
        var pattern = new byte[16];
        for (int i = 0; i < pattern.Length; i++) pattern[i] = (byte)(((16 * k + i) * 0x3B + 0x5A) ^ 0xA7);
        return pattern;
    }

    /// <param name="alongside">More adversaries attached after the chaos (tests use them to break an invariant on purpose and see it reported); those that are <see cref="ITamperWitness"/>es say whose data they changed.</param>
    /// <param name="canaries">The patterns that must stay on chip (default <see cref="Canaries"/>).</param>
    public static ChaosRunResult Execute(ChaosCase chaosCase, GuestPrograms programs, IReadOnlyList<Adversary>? alongside = null,
        IReadOnlyList<(string Name, byte[] Bytes)>? canaries = null)
    {
        ArgumentNullException.ThrowIfNull(chaosCase);
        ArgumentNullException.ThrowIfNull(programs);
        var chaos = new ChaosAdversary(chaosCase.Settings);
        var witnesses = (alongside ?? []).OfType<ITamperWitness>().ToList();
        // Confidentiality mode only: with integrity, the chip must stop a tampered program before it runs what the change made.
        bool Tampered(int pid) => !chaosCase.Authenticated && (chaos.TamperedProcesses.Contains(pid) || witnesses.Any(w => w.TamperedProcesses.Contains(pid)));
        var watch = new InvariantWatch(chaos, canaries ?? Canaries, Tampered);
        var trace = new TraceRecorder(chaos, chaosCase.Method == ShareMethod.M5);
        var faults = new IntegrityFaultCounter();
        int canaryPid = 0;
        var canaryElf = ElfImage.Load(programs.CanaryElf);
        var options = new ScenarioOptions
        {
            Method = chaosCase.Method,
            Clients = chaosCase.Clients,
            Attack = Attack.None,
            Authenticated = chaosCase.Authenticated,
            Signed = chaosCase.Signed,
            Seed = chaosCase.Seed,
            RamSize = chaosCase.RamSize,
            MaxInstructions = InstructionBudget,
            ProgramDirectory = programs.ShareDirectory,
            Narrate = NarrationLevel.None,
            Observers = [chaos, .. alongside ?? []],
            Instrument = (machine, machineOptions) =>
            {
                machine.Kernel.AttachObserver(watch);
                machine.Kernel.AttachObserver(trace);
                machine.Processor.Observer = faults;
                machine.Register("canary", SealedImage.Parse(ElfSealer.Seal(canaryElf, machineOptions.Identity!.PublicKey)));
                canaryPid = machine.Start("canary", ["canary", CanaryRounds]).Pid;
            },
        };
        var violations = new List<Violation>();
        var clock = Stopwatch.StartNew();
        ScenarioResult? result = null;
        try
        {
            result = ShareScenario.Run(options);
        }
        catch (Exception x) when (x is not OutOfMemoryException)
        {
            violations.Add(new Violation(Invariant.InternalError, $"{x.GetType().Name}: {x.Message} {FirstFrames(x)}"));
        }
        clock.Stop();
        violations.AddRange(watch.Violations);
        if (result is not null) violations.AddRange(JudgeOutcomes(chaosCase, chaos, watch, result, canaryPid));
        int claimed = chaosCase.Authenticated ? trace.Lines.Count : Math.Min(trace.PrefixEnd, trace.Lines.Count);
        return new ChaosRunResult(chaosCase, violations, [.. chaos.Actions], result is null ? [] : Outcomes(result, chaos, canaryPid),
            trace.Hash(), trace.Hash(claimed), trace.Lines.Count, claimed, clock.Elapsed, result?.Run.Statistics.Instructions ?? 0, faults.Count, watch.Scans)
        {
            Disclosures = [.. watch.Disclosures],
        };
    }

    private static string FirstFrames(Exception x) =>
        string.Join(" | ", (x.InnerException ?? x).ToString().Split('\n').Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Take(4).Select(l => l.Trim()));

    /// <summary>
    /// The end-of-run invariants, from how each process ended (data, never printed text). The sharing
    /// examples exit 0 when every record they checked was right and 1 when one was wrong
    /// (guest/share/common.h); the canary program exits 1 when one of its patterns changed.
    /// </summary>
    private static List<Violation> JudgeOutcomes(ChaosCase c, ChaosAdversary chaos, InvariantWatch watch, ScenarioResult result, int canaryPid)
    {
        var violations = new List<Violation>();
        var pidOf = result.Labels.ToDictionary(l => l.Value, l => l.Key);
        // A tampered message on "share.i" may mislead the owner and client i: the protocol's signals are
        // not authenticated (SPEC R5 and the threat model's "plain messages"), so either may end with wrong data.
        var tainted = new HashSet<int>();
        foreach (string channel in chaos.TamperedChannels)
        {
            if (pidOf.TryGetValue("owner", out int owner)) tainted.Add(owner);
            if (channel.StartsWith("share.", StringComparison.Ordinal) && pidOf.TryGetValue($"client {channel[6..]}", out int client)) tainted.Add(client);
        }
        int? removed = c.Method == ShareMethod.M5 && pidOf.TryGetValue($"client {c.Clients}", out int r) ? r : null;
        var members = result.Run.Processes.Where(p => result.Labels.ContainsKey(p.Pid) || p.Pid == canaryPid);
        foreach (var p in members.Where(p => p.End == ProcessEnd.Exited && p.ExitCode == 1 && !tainted.Contains(p.Pid)))
        {
            if (p.Pid == removed)
                violations.Add(new Violation(Invariant.RemovedClientRead, $"{result.Who(p.Pid)}, removed from the M5 group, read the re-keyed data with its old key (exit 1)"));
            else if (c.Authenticated)
                violations.Add(new Violation(Invariant.TamperAccepted, $"{Who(result, p.Pid, canaryPid)} exited 1: it read wrong data and no integrity fault stopped it, with no message of its tampered"));
        }
        if (c.Authenticated)
            foreach (var (pid, afterData, afterMessage) in watch.IntegrityFaults)
                if (!afterData && !afterMessage && pid != removed)
                    violations.Add(new Violation(Invariant.FalseAlarm, $"{Who(result, pid, canaryPid)} died of an integrity fault, but the chaos had changed no protected data and no message"));
        return violations;
    }

    private static string Who(ScenarioResult result, int pid, int canaryPid) => pid == canaryPid ? $"the canary program (pid {pid})" : result.Who(pid);

    private static List<string> Outcomes(ScenarioResult result, ChaosAdversary chaos, int canaryPid) =>
        [.. result.Run.Processes.Select(p =>
            $"{(chaos.StartedProcesses.Contains(p.Pid) ? $"duplicate {p.Name} (pid {p.Pid})" : Who(result, p.Pid, canaryPid))}: {p.End}" +
            (p.End == ProcessEnd.Exited ? $" {p.ExitCode}" : "") + (p.FatalTrap is { } t ? $" {t.Cause}" : "") + (p.Refusal is { } r ? $" {r}" : ""))];

    /// <summary>Counts the integrity faults the chip raises (a host power: the chip's observer).</summary>
    private sealed class IntegrityFaultCounter : ChipObserver
    {
        public int Count { get; private set; }

        public override void IntegrityFault(uint contextId, ulong virtualAddress) => Count++;
    }
}
