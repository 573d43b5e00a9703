using System.Globalization;
using System.Runtime.InteropServices;
using Cloak.Chaos;
using Cloak.Demo;

// The chaos adversary over a range of seeds (docs/reliability.md, "The chaos adversary").
// Exit codes: 0 no invariant broken, 1 some broken (each printed with its seed, and written to the
// failures file), 2 bad arguments, 66 the guest programs are missing, 73 the failures file cannot be written.
const string Usage = """
    usage: dotnet run --project chaos/Cloak.Chaos -c Release -- [--seeds A-B | --seed N] [--method m1..m5] [--auth on|off] [--repeat] [--verbose] [--failures FILE]
      --seeds A-B     seeds A to B (also A..B; default 1-20); each names a whole case: method, memory mode, clients, RAM, chaos mix
      --seed N        one seed (replay a violation: add --verbose to see every action)
      --method M      only this sharing method (the seed still picks everything else)
      --auth on|off   only authenticated (on) or confidentiality (off) memory
      --repeat        run every seed twice and compare the traces (the determinism invariant)
      --verbose       print every action of the chaos and how each process ended
      --managed-bound MIB  managed heap bound after each run (default 256)
      --failures FILE where the failing seeds go, one line each with the broken invariant (default chaos-failures.txt;
                      written only when an invariant breaks)
    Ctrl+C (or SIGTERM) stops after the seed running now and prints the figures so far; a second Ctrl+C ends at once.
    """;

var options = new CampaignOptions { FirstSeed = 1, LastSeed = 20 };
bool verbose = false;
string failuresPath = "chaos-failures.txt";
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--seeds":
            {
                string v = Value();
                int dots = v.IndexOf("..", StringComparison.Ordinal), dash = v.IndexOf('-', 1);
                (int cut, int width) = dots >= 0 ? (dots, 2) : dash > 0 ? (dash, 1) : throw new FormatException($"--seeds '{v}': expected A-B");
                options = options with { FirstSeed = Seed(v[..cut]), LastSeed = Seed(v[(cut + width)..]) };
                if (options.LastSeed < options.FirstSeed) throw new FormatException($"--seeds '{v}': B must not be below A");
                break;
            }
            case "--seed":
            {
                int seed = Seed(Value());
                options = options with { FirstSeed = seed, LastSeed = seed };
                break;
            }
            case "--method":
            {
                string v = Value();
                options = options with
                {
                    Method = Enum.TryParse<ShareMethod>(v, ignoreCase: true, out var m) && Enum.IsDefined(m) && !int.TryParse(v, out _)
                        ? m : throw new FormatException($"--method '{v}': expected m1, m2, m3, m4 or m5"),
                };
                break;
            }
            case "--auth":
            {
                string v = Value();
                options = options with { Authenticated = v switch { "on" => true, "off" => false, _ => throw new FormatException($"--auth '{v}': expected on or off") } };
                break;
            }
            case "--repeat": options = options with { Repeat = true }; break;
            case "--verbose": verbose = true; break;
            case "--failures": failuresPath = Value(); break;
            case "--managed-bound":
            {
                string v = Value();
                options = options with
                {
                    ManagedBoundBytes = long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long mib) && mib > 0
                        ? mib << 20 : throw new FormatException($"--managed-bound '{v}': expected a number of MiB"),
                };
                break;
            }
            case "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new FormatException($"unknown argument '{args[i]}'");
        }
    }
}
catch (FormatException x)
{
    Console.Error.WriteLine($"chaos: {x.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

GuestPrograms programs;
try
{
    programs = GuestPrograms.Locate();
    foreach (string needed in new[] { programs.CanaryElf, Path.Combine(programs.ShareDirectory, "share_owner.elf") })
        if (!File.Exists(needed)) throw new FileNotFoundException($"{needed} is missing: build the guest programs first (make -C guest)");
}
catch (Exception x) when (x is FileNotFoundException or Cloak.Sdk.GuestBuildException)
{
    Console.Error.WriteLine($"chaos: {x.Message}");
    return 66;
}

// Ctrl+C or SIGTERM: finish the seed running now, then report as usual (a second Ctrl+C ends at once).
using var stop = new CancellationTokenSource();
void StopSoon(PosixSignalContext context)
{
    if (stop.IsCancellationRequested) return;
    context.Cancel = true;
    Console.Error.WriteLine("chaos: stopping after the seed running now");
    stop.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopSoon);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopSoon);

var summary = ChaosCampaign.Run(options, programs, (result, violations, managed) =>
{
    string verdict = violations.Count == 0 ? "ok" : $"{violations.Count} VIOLATION(S)";
    Console.WriteLine($"{result.Case}: {result.Actions.Count} action(s), {result.Instructions:N0} instructions, {result.Elapsed.TotalSeconds:F2} s, " +
        $"managed heap after {managed / 1024.0 / 1024:F1} MiB: {verdict}");
    if (verbose)
    {
        foreach (var action in result.Actions) Console.WriteLine($"    {action}");
        foreach (string outcome in result.Outcomes) Console.WriteLine($"  = {outcome}");
        Console.WriteLine($"  trace {result.TraceLines} events, hash {result.TraceHash[..16]}; claimed to repeat: {result.ClaimedLines} events, hash {result.ClaimedHash[..16]}");
    }
    foreach (var v in violations) Console.WriteLine($"  ! seed {result.Case.Seed}: {v}");
    foreach (string d in result.Disclosures) Console.WriteLine($"  ~ seed {result.Case.Seed}: disclosed by a tampered program: {d}");
}, stop.Token);

Console.WriteLine();
if (summary.Stopped) Console.WriteLine($"stopped by request after seed {summary.LastSeedRun?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}");
Console.WriteLine($"{summary.Seeds} seed(s), {summary.Runs} run(s) in {summary.Elapsed.TotalSeconds:F1} s ({summary.RunsPerSecond:F2} runs/s); " +
    $"{summary.Actions} chaos actions, {summary.IntegrityFaults} integrity faults raised, {summary.Instructions:N0} guest instructions");
Console.WriteLine($"whole trace claimed deterministic in {summary.WholeTracesClaimed} of {summary.Seeds} seed(s); " +
    $"host memory after a run: at most {summary.PeakManagedBytes >> 20} MiB managed, {summary.PeakWorkingSetBytes >> 20} MiB working set");
Console.WriteLine("actions: " + string.Join(", ", summary.ActionsByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
Console.WriteLine("endings: " + string.Join(", ", summary.Endings.OrderByDescending(k => k.Value).Select(k => $"{k.Key} x{k.Value}")));
if (summary.Disclosures.Count > 0)
    Console.WriteLine($"canaries disclosed by programs the chaos had tampered with (confidentiality mode, not violations): {summary.Disclosures.Count} " +
        $"in seed(s) {string.Join(", ", summary.Disclosures.Select(d => d.Case.Seed).Distinct())}");
if (summary.Violations.Count == 0)
{
    Console.WriteLine("no invariant broken");
    return 0;
}
Console.WriteLine($"{summary.Violations.Count} violation(s); replay one with --seed N --verbose:");
foreach (var (chaosCase, v) in summary.Violations) Console.WriteLine($"  seed {chaosCase.Seed}: {v}");
try
{
    File.WriteAllLines(failuresPath, summary.Violations.Select(f => $"{f.Case.Seed}\t{f.Violation}"));
    Console.WriteLine($"failing seeds written to {failuresPath}");
}
catch (Exception x) when (x is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
{
    Console.Error.WriteLine($"chaos: cannot write the failing seeds to '{failuresPath}': {x.Message}");
    return 73;
}
return 1;

static int Seed(string text) =>
    int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed) ? seed : throw new FormatException($"'{text}' is not a seed (a whole number)");
