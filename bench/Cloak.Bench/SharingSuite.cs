using System.Globalization;
using System.Text;
using Cloak.Demo;

namespace Cloak.Bench;

/// <summary>
/// What setting up a sharing group costs: each method once, then M4 and M5 for N = 2, 4, ..., 256
/// clients (confidentiality mode, no attack). Every size runs <c>repeat</c> times, the sizes
/// alternating round by round (2, 4, ..., 256, 2, 4, ...) so load on a shared machine falls on all
/// of them alike; reported per size: median and spread (min-max) of the setup's host time and
/// processor time, and the guest instructions. A least-squares line over N gives the per-client cost.
/// Setup = from the first instruction until the owner reports the group set up. The first run in
/// the process pays the JIT; it is a warm-up and is not counted.
/// </summary>
internal static class SharingSuite
{
    private static readonly int[] Sizes = [2, 4, 8, 16, 32, 64, 128, 256];

    public static string Run(string repo, int repeat)
    {
        string programs = Path.Combine(repo, "guest", "build", "share");
        var table = new StringBuilder();
        table.AppendLine("### Setting up a sharing group (no attack)\n");
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{repeat} runs per row, sizes alternating round by round, in process after one warm-up run. Setup = from the first instruction until the owner reports the group set up. Host = wall time, cpu = this process's processor time (all threads); median [min-max].\n"));
        table.AppendLine("| scenario | setup instructions | setup host ms | setup cpu ms | verdict |");
        table.AppendLine("|---|---:|---:|---:|---|");
        ShareScenario.Run(Options(programs, ShareMethod.M4, 4));   // warm-up: JIT
        foreach (var (label, method, clients, signed) in new[]
                 {
                     ("M1 (pre-shared key)", ShareMethod.M1, 1, false), ("M2 (key exchange)", ShareMethod.M2, 1, false),
                     ("M3 (signed key exchange)", ShareMethod.M3, 1, false), ("M4 signed, 16 clients", ShareMethod.M4, 16, true),
                 })
        {
            var samples = Enumerable.Range(0, repeat).Select(_ => ShareScenario.Run(Options(programs, method, clients) with { Signed = signed })).ToList();
            table.AppendLine(Row(label, samples));
        }
        foreach (var method in new[] { ShareMethod.M4, ShareMethod.M5 })
        {
            var runs = Sizes.ToDictionary(n => n, _ => new List<ScenarioResult>());
            for (int round = 0; round < repeat; round++)
                foreach (int n in Sizes)
                {
                    Console.Error.WriteLine($"bench: {method}, {n} clients, run {round + 1}");
                    runs[n].Add(ShareScenario.Run(Options(programs, method, n)));
                }
            foreach (int n in Sizes) table.AppendLine(Row($"{method}, {n} clients", runs[n]));
            var points = Sizes.Select(n => (X: (double)n, Host: Median(runs[n].Select(r => Ms(r.Setup?.HostTime))),
                Cpu: Median(runs[n].Select(r => Ms(r.Setup?.ProcessorTime))), Instructions: Median(runs[n].Select(r => (double)(r.Setup?.Instructions ?? 0))))).ToList();
            var (hostSlope, hostBase) = Fit(points.Select(p => (p.X, p.Host)));
            var (cpuSlope, cpuBase) = Fit(points.Select(p => (p.X, p.Cpu)));
            var (instructionSlope, instructionBase) = Fit(points.Select(p => (p.X, p.Instructions)));
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"\n{method} growth (least squares over N, medians): {instructionSlope:N0} guest instructions per client (+{instructionBase:N0}), {hostSlope:F2} host ms per client (+{hostBase:F0} ms), {cpuSlope:F2} cpu ms per client (+{cpuBase:F0} ms): linear in N.\n"));
            if (method == ShareMethod.M5)
                continue;
            table.AppendLine("| scenario | setup instructions | setup host ms | setup cpu ms | verdict |");
            table.AppendLine("|---|---:|---:|---:|---|");
        }
        return table.ToString();
    }

    private static ScenarioOptions Options(string programs, ShareMethod method, int clients) =>
        new() { Method = method, Clients = clients, Attack = Attack.None, ProgramDirectory = programs };

    private static string Row(string label, List<ScenarioResult> runs)
    {
        var host = runs.Select(r => Ms(r.Setup?.HostTime)).ToList();
        var cpu = runs.Select(r => Ms(r.Setup?.ProcessorTime)).ToList();
        string verdicts = string.Join(", ", runs.Select(r => r.Verdict).Distinct());
        return string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {runs[0].Setup?.Instructions ?? 0:N0} | {Median(host):F0} [{host.Min():F0}-{host.Max():F0}] | {Median(cpu):F0} [{cpu.Min():F0}-{cpu.Max():F0}] | {verdicts} |");
    }

    private static double Ms(TimeSpan? time) => time?.TotalMilliseconds ?? double.NaN;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Least-squares line y = slope * x + intercept.</summary>
    private static (double Slope, double Intercept) Fit(IEnumerable<(double X, double Y)> points)
    {
        var p = points.ToList();
        double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
        double slope = p.Sum(q => (q.X - mx) * (q.Y - my)) / p.Sum(q => (q.X - mx) * (q.X - mx));
        return (slope, my - slope * mx);
    }
}
