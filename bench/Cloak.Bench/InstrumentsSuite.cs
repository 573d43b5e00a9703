using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cloak.Bench;

/// <summary>
/// What the instruments of issue 9 cost (<c>bench/run instruments [--baseline DIR]</c>): each CPU-bound
/// benchmark run bare metal, and sealed as a user process under the OS model (where the chip and the
/// kernel report events), with no instrument, with <c>--stats</c>, <c>--stats-json</c>,
/// <c>--events</c>, <c>--timeline</c> and all of them at once. The variants of one program take turns
/// round after round (the first of each round rotates), so a change in the machine's load touches
/// them all alike. With <c>--baseline DIR</c> (a worktree of an older commit, its guest programs
/// built) that commit's <c>cloak</c> takes its turn too, uninstrumented: the cost of the hooks when
/// nothing listens. Times are the CLI process's CPU time (user + system, start-up included; wall time
/// on a machine others share moves far more), median and range.
/// </summary>
internal static class InstrumentsSuite
{
    private sealed record Variant(string Name, string CliDll, Func<string, string[]> Options);

    /// <summary>
    /// The CLI a worktree's launcher runs, built by it first (so no turn includes a build): its
    /// ReadyToRun build (<c>artifacts/cli/</c>) unless the launcher fell back to the plain Release build
    /// (<c>artifacts/cli.plain</c> says so) or predates ReadyToRun (an older baseline commit).
    /// </summary>
    private static string BuiltCli(string worktree)
    {
        Measure.Tool(worktree, ["--help"]);
        string readyToRun = Path.Combine(worktree, "artifacts", "cli", "Cloak.Cli.dll");
        return File.Exists(readyToRun) && !File.Exists(Path.Combine(worktree, "artifacts", "cli.plain"))
            ? readyToRun
            : Path.Combine(worktree, "src", "Cloak.Cli", "bin", "Release", "net10.0", "Cloak.Cli.dll");
    }

    public static string Run(string repo, List<string> programs, int repeat, string? baseline)
    {
        string work = Directory.CreateTempSubdirectory("cloak-bench-").FullName;
        try
        {
            // The DLL itself, not the launcher: the launcher checks the sources at every start, and
            // rebuilds if one changed while the benchmark runs.
            string cloak = BuiltCli(repo);
            string chip = Path.Combine(work, "chip");
            Measure.Tool(repo, ["keygen", "-o", chip]);
            var variants = new List<Variant>();
            if (baseline is not null) variants.Add(new Variant("baseline, none", BuiltCli(baseline), _ => []));
            variants.Add(new Variant("none", cloak, _ => []));
            variants.Add(new Variant("--stats", cloak, _ => ["--stats"]));
            variants.Add(new Variant("--stats-json", cloak, f => ["--stats-json", f + ".json"]));
            variants.Add(new Variant("--events", cloak, f => ["--events", f + ".jsonl"]));
            variants.Add(new Variant("--timeline", cloak, f => ["--timeline", f + ".trace.json"]));
            variants.Add(new Variant("all three", cloak, f => ["--stats-json", f + ".json", "--events", f + ".jsonl", "--timeline", f + ".trace.json"]));

            var text = new StringBuilder();
            text.AppendLine("### The instruments' cost (issue 9)\n");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{repeat} rounds; in each round every variant runs once, the first one rotating. CPU time (user + system) of the whole `cloak` process in seconds, start-up included: median [min-max]. Ratio = median / median of `none`. Load average before: {BenchCli.LoadAverage()}."));
            if (baseline is not null)
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"`baseline` is the `cloak` of {Describe(baseline)}, with no option."));
            text.AppendLine();
            foreach (bool sealedRun in new[] { false, true })
            {
                text.AppendLine(sealedRun
                    ? "**Sealed user processes under the OS model** (`--chip`, confidentiality mode; `--events` writes its default categories, everything but the bus; `--timeline` takes the bus too):\n"
                    : "**Bare metal** (`guest/build/bench/*.elf`; no OS and no protection unit, so the event file and the timeline stay nearly empty):\n");
                text.AppendLine("| program | " + string.Join(" | ", variants.Select(v => v.Name)) + " |");
                text.AppendLine("|---|" + string.Concat(variants.Select(_ => "---:|")));
                var ratios = variants.ToDictionary(v => v.Name, _ => new List<double>());
                foreach (string elf in programs)
                {
                    string name = Path.GetFileNameWithoutExtension(elf);
                    string program = elf;
                    string[] chipOption = [];
                    if (sealedRun)
                    {
                        string user = Path.Combine(repo, "guest", "build", "bench", "user", name + ".elf");
                        if (!File.Exists(user)) continue;
                        program = Path.Combine(work, name + ".sealed");
                        Measure.Tool(repo, ["seal", user, "--chip", chip + ".pub", "-o", program]);
                        chipOption = ["--chip", chip + ".key"];
                    }
                    Console.Error.WriteLine($"bench: {name} ({(sealedRun ? "sealed, OS model" : "bare metal")}), {variants.Count} variants x {repeat}");
                    var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
                    var walls = new List<double>();
                    for (int round = 0; round < repeat; round++)
                    {
                        for (int k = 0; k < variants.Count; k++)
                        {
                            var v = variants[(round + k) % variants.Count];
                            string files = Path.Combine(work, "out");
                            var (wall, cpu, code) = Measure.WallAndCpu("dotnet", [v.CliDll, "run", .. chipOption, .. v.Options(files), program]);
                            if (code != 0) throw new InvalidOperationException($"{v.Name}: {name} exited {code}");
                            times[v.Name].Add(cpu.TotalSeconds);
                            walls.Add(wall.TotalSeconds);
                            foreach (string f in Directory.GetFiles(work, "out*")) File.Delete(f);
                        }
                    }
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {name}: wall times {walls.Min():F2}-{walls.Max():F2} s"));
                    double none = Median(times["none"]);
                    foreach (var v in variants) ratios[v.Name].Add(Median(times[v.Name]) / none);
                    text.AppendLine($"| {name} | " + string.Join(" | ", variants.Select(v => string.Create(CultureInfo.InvariantCulture,
                        $"{Median(times[v.Name]):F2} [{times[v.Name].Min():F2}-{times[v.Name].Max():F2}]"))) + " |");
                }
                text.AppendLine("| ratio (geometric mean) | " + string.Join(" | ", variants.Select(v => string.Create(CultureInfo.InvariantCulture,
                    $"{Math.Exp(ratios[v.Name].Average(Math.Log)):F3}"))) + " |\n");
            }
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Load average after: {BenchCli.LoadAverage()}.\n"));
            return text.ToString();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }


    /// <summary>The commit a worktree is at, for the record.</summary>
    private static string Describe(string worktree)
    {
        var start = new ProcessStartInfo("git", ["-C", worktree, "log", "-1", "--format=%h (%s)"]) { RedirectStandardOutput = true };
        using var git = Process.Start(start);
        string line = git?.StandardOutput.ReadLine() ?? "?";
        git?.WaitForExit();
        return line.Length > 90 ? line[..90] + "...)" : line;
    }
}
