using System.Collections.Concurrent;
using Cloak.Demo;
using Cloak.Os;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sharing;

/// <summary>
/// Runs <see cref="ShareScenario"/> on the sealed example programs in guest/build/share. Results are
/// kept per options: the matrix, the per-attack checks and the claim tests look at the same runs from
/// different sides, and each run takes about half a second. A run is read-only once made, so sharing
/// it between tests is safe; options that differ in anything (the seed, say) are different runs.
/// </summary>
internal static class Scenarios
{
    private static readonly ConcurrentDictionary<ScenarioOptions, Lazy<ScenarioResult>> Cache = new();

    /// <summary>guest/build/share; fails the calling test, saying how to build them, when a program is missing.</summary>
    public static string ProgramDirectory
    {
        get
        {
            foreach (string name in new[] { "share_owner", "share_client", "share_spy", "share_member" }) GuestPrograms.Elf($"share/{name}.elf");
            return Path.Combine(Repository.GuestBuildDirectory, "share");
        }
    }

    public static ScenarioOptions Options(ShareMethod method, Attack attack = Attack.None, bool authenticated = false, bool signed = false,
        int? clients = null, int seed = 1, bool attested = false) => new()
        {
            Attested = attested,
            Method = method,
            Attack = attack,
            Authenticated = authenticated,
            Signed = signed,
            Clients = clients,
            Seed = seed,
            ProgramDirectory = ProgramDirectory,
        };

    /// <summary>The run for these options, made once per test process.</summary>
    public static ScenarioResult Run(ScenarioOptions options) =>
        Cache.GetOrAdd(options, o => new Lazy<ScenarioResult>(() => ShareScenario.Run(o))).Value;

    public static ScenarioResult Run(ShareMethod method, Attack attack = Attack.None, bool authenticated = false, bool signed = false, int? clients = null,
        bool attested = false) =>
        Run(Options(method, attack, authenticated, signed, clients, attested: attested));
}

/// <summary>What the tests read out of a scenario's result: each process's output, its claim narration, a description for failures.</summary>
internal static class ScenarioResultExtensions
{
    public static ProcessOutcome Owner(this ScenarioResult result) => result.Processes.Single(p => p.Name == "owner");

    /// <summary>Client <paramref name="index"/> (1-based): the scenario starts the clients in order, after the owner.</summary>
    public static ProcessOutcome Client(this ScenarioResult result, int index) =>
        result.Processes.Where(p => p.Name == "client").OrderBy(p => p.Pid).ElementAt(index - 1);

    public static IEnumerable<ProcessOutcome> Clients(this ScenarioResult result) =>
        result.Processes.Where(p => p.Name == "client").OrderBy(p => p.Pid);

    public static ProcessOutcome? Spy(this ScenarioResult result) => result.Processes.SingleOrDefault(p => p.Name == "spy");

    public static string OutputOf(this ScenarioResult result, ProcessOutcome process) =>
        result.Output.TryGetValue(process.Pid, out string? text) ? text : "";

    public static IReadOnlyList<string> LinesOf(this ScenarioResult result, ProcessOutcome process) =>
        result.OutputOf(process).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The narration lines of <paramref name="process"/> for the step labelled <paramref name="label"/> ("[claim 8(e)] ...").</summary>
    public static IReadOnlyList<string> Steps(this ScenarioResult result, ProcessOutcome process, string label) =>
        [.. result.LinesOf(process).Where(l => l.StartsWith($"[claim {label}] ", StringComparison.Ordinal))];

    /// <summary>Every narration line of <paramref name="process"/>.</summary>
    public static IReadOnlyList<string> Narration(this ScenarioResult result, ProcessOutcome process) =>
        [.. result.LinesOf(process).Where(l => l.StartsWith("[claim ", StringComparison.Ordinal))];

    /// <summary>The verdict, the explanation and every process's ending and output (without the narration): for assertion messages.</summary>
    public static string Describe(this ScenarioResult result)
    {
        var text = new System.Text.StringBuilder($"verdict {result.Verdict}: {result.Explanation}\n");
        foreach (var p in result.Processes)
        {
            text.Append($"  [{p.Pid}:{p.Name}] exit {p.ExitCode}{(p.KillReason is null ? "" : ", killed: " + p.KillReason)}\n");
            foreach (string line in result.LinesOf(p).Where(l => !l.StartsWith("[claim ", StringComparison.Ordinal)))
                text.Append($"      {line}\n");
        }
        return text.ToString();
    }
}

/// <summary>Assertions on scenario results that explain a failure with the whole run.</summary>
internal static class ShareAssert
{
    public static void Verdict(Verdict expected, ScenarioResult result) =>
        Assert.True(result.Verdict == expected, $"expected {expected}, got {result.Describe()}");

    /// <summary>No side-by-side view shows the marker on the OS's side: DRAM held ciphertext wherever a process read the region.</summary>
    public static void OsNeverSawTheMarker(ScenarioResult result)
    {
        foreach (var view in result.Views)
            Assert.True(view.DramView.AsSpan().IndexOf(ShareScenario.Marker) < 0,
                $"DRAM at 0x{view.PhysicalAddress:x} (where {view.Who} read 0x{view.VirtualAddress:x}) held the plaintext: {Convert.ToHexString(view.DramView)}\n{result.Describe()}");
    }

    public static void HasStep(ScenarioResult result, ProcessOutcome process, string label, int times = -1)
    {
        var steps = result.Steps(process, label);
        string message = $"{process.Name} {process.Pid}: expected {(times < 0 ? "some" : times.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
                         $"\"[claim {label}]\" step(s), found {steps.Count}; its narration:\n  {string.Join("\n  ", result.Narration(process))}\n{result.Describe()}";
        Assert.True(times < 0 ? steps.Count > 0 : steps.Count == times, message);
    }

    public static void HasStepSaying(ScenarioResult result, ProcessOutcome process, string label, string words, int times = -1)
    {
        int count = result.Steps(process, label).Count(s => s.Contains(words, StringComparison.Ordinal));
        Assert.True(times < 0 ? count > 0 : count == times,
            $"{process.Name} {process.Pid}: expected {(times < 0 ? "a" : times.ToString(System.Globalization.CultureInfo.InvariantCulture))} \"[claim {label}]\" step saying \"{words}\", found {count}; its narration:\n  " +
            string.Join("\n  ", result.Narration(process)));
    }

    public static void HasNoStep(ScenarioResult result, ProcessOutcome process, string label) =>
        Assert.True(result.Steps(process, label).Count == 0,
            $"{process.Name} {process.Pid}: did not expect a \"[claim {label}]\" step; its narration:\n  {string.Join("\n  ", result.Narration(process))}");

    public static void PrintedLine(ScenarioResult result, ProcessOutcome process, string line) =>
        Assert.True(result.LinesOf(process).Contains(line),
            $"{process.Name} {process.Pid}: expected the line \"{line}\"\n{result.Describe()}");
}
