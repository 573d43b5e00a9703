using System.Globalization;
using System.Text;

namespace Cloak.Bench;

/// <summary>
/// bench/run [cpu|os|crypto|protect|share|instruments|all] [--repeat N] [--record] [--only NAME[,NAME...]] [--baseline DIR]:
/// <c>cpu</c> runs every CPU-bound guest benchmark under <c>cloak run --stats</c> with the interpreter and
/// with the translator, and under QEMU, taking turns for N rounds, and prints instructions, medians and
/// spread of Cloak's MIPS for both engines, the speedup and the Cloak/QEMU wall-time ratios (with
/// --baseline DIR, another worktree's translator takes its turn too: before and after a change, same rounds);
/// <c>os</c> runs the same programs as user processes under the OS model (Sv39 on) beside their
/// bare-metal runs, plus a 4-process shared-memory workload, and reports MIPS ratios; <c>instruments</c>
/// (not part of <c>all</c>) times the same programs with and without --stats, --stats-json, --events and
/// --timeline, and, with --baseline DIR, an older commit's cloak (<see cref="InstrumentsSuite"/>).
/// --record appends the tables and the command to bench/RESULTS.md.
/// </summary>
internal static class BenchCli
{
    public static int Run(string[] args)
    {
        int repeat = 3;
        bool record = false;
        string? only = null;
        string suite = "all";
        string? baseline = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "cpu" or "os" or "crypto" or "protect" or "share" or "instruments" or "all": suite = args[i]; break;
                case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], out repeat) && repeat > 0: i++; break;
                case "--record": record = true; break;
                case "--only" when i + 1 < args.Length: only = args[++i]; break;
                case "--baseline" when i + 1 < args.Length && File.Exists(Path.Combine(args[i + 1], "cloak")): baseline = Path.GetFullPath(args[++i]); break;
                default:
                    Console.Error.WriteLine("usage: bench/run [cpu|os|crypto|protect|share|instruments|all] [--repeat N] [--record] [--only NAME[,NAME...]] [--baseline DIR]");
                    return 2;
            }
        }

        var repo = Repository.Root();
        // The crypto suite measures the chip's line engine alone and needs no guest program.
        string benchPrograms = Path.Combine(repo, "guest", "build", "bench");
        var programs = !Directory.Exists(benchPrograms) ? [] : Directory.GetFiles(benchPrograms, "*.elf")
            .Where(p => only is null || only.Split(',').Contains(Path.GetFileNameWithoutExtension(p)))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (programs.Count == 0 && suite != "crypto")
        {
            Console.Error.WriteLine("bench: no benchmark programs in guest/build/bench: run ./setup (or make -C guest)");
            return 1;
        }

        var report = new StringBuilder();
        if (suite is "cpu" or "all") report.Append(CpuSuite(repo, programs, repeat, baseline));
        if (suite is "os" or "all") report.Append(OsSuite.Run(repo, programs, repeat));
        if (suite is "protect" or "all") report.Append(ProtectionSuite.Run(repo, programs, repeat));
        if (suite is "crypto" or "all") report.Append(CryptoSuite.Run());
        if (suite is "share" or "all") report.Append(SharingSuite.Run(repo, repeat));
        if (suite is "instruments") report.Append(InstrumentsSuite.Run(repo, programs, repeat, baseline));
        Console.WriteLine(report.ToString());

        if (record)
        {
            string results = Path.Combine(repo, "bench", "RESULTS.md");
            var entry = new StringBuilder();
            entry.AppendLine(CultureInfo.InvariantCulture, $"\n## Run of {DateTime.UtcNow:yyyy-MM-dd}\n");
            entry.AppendLine(CultureInfo.InvariantCulture, $"Command: `bench/run {suite} --repeat {repeat}{(only is null ? "" : " --only " + only)}{(baseline is null ? "" : " --baseline " + baseline)}` on {Environment.ProcessorCount} cores.\n");
            entry.Append(report);
            File.AppendAllText(results, entry.ToString());
            Console.Error.WriteLine($"bench: appended to {results}");
        }
        return 0;
    }

    private static string CpuSuite(string repo, List<string> programs, int repeat, string? baseline)
    {
        // Interpreter, translator and QEMU (and, with --baseline DIR, that worktree's translator) take
        // turns, round after round, in an order that rotates so no variant always runs first (the
        // machine is shared: load moves between turns). Medians, with the spread (lowest-highest) of
        // Cloak's MIPS.
        string loadBefore = LoadAverage();
        int turns = baseline is null ? 3 : 4;
        var table = new StringBuilder();
        table.Append("| program | instructions | interp MIPS (spread) | translate MIPS (spread) | speedup |");
        if (baseline is not null) table.Append(" baseline translate MIPS (spread) | translate/baseline |");
        table.AppendLine(" interp wall s | translate wall s | QEMU wall s | interp/QEMU | translate/QEMU |");
        table.AppendLine(baseline is null ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var interpMips = new List<double>();
        var translateMips = new List<double>();
        var baselineMips = new List<double>();
        foreach (string elf in programs)
        {
            string name = Path.GetFileNameWithoutExtension(elf);
            Console.Error.WriteLine($"bench: {name}");
            var interp = new List<Sample>();
            var translate = new List<Sample>();
            var qemu = new List<Sample>();
            var before = new List<Sample>();
            for (int round = 0; round < repeat; round++)
            {
                for (int turn = 0; turn < turns; turn++)
                {
                    switch ((round + turn) % turns)
                    {
                        case 0: interp.Add(Measure.Cloak(repo, elf, "--engine", "interp")); break;
                        case 1: translate.Add(Measure.Cloak(repo, elf, "--engine", "translate")); break;
                        case 2: qemu.Add(Measure.Qemu(elf)); break;
                        default: before.Add(Measure.Cloak(baseline!, elf, "--engine", "translate")); break;
                    }
                }
            }
            if (interp.Concat(translate).Concat(before).Any(s => s.Instructions != interp[0].Instructions || s.Cycles != interp[0].Cycles))
                Console.Error.WriteLine($"bench: warning: {name} retires different instruction or cycle counts between runs or engines");
            if (interp[0].ExitCode != qemu[0].ExitCode || translate[0].ExitCode != qemu[0].ExitCode)
                Console.Error.WriteLine($"bench: warning: {name} exits differently under Cloak and QEMU");
            double im = Median(interp.Select(s => s.Mips)), tm = Median(translate.Select(s => s.Mips));
            double iw = Median(interp.Select(s => s.Wall.TotalSeconds)), tw = Median(translate.Select(s => s.Wall.TotalSeconds));
            double qw = Median(qemu.Select(s => s.Wall.TotalSeconds));
            interpMips.Add(im);
            translateMips.Add(tm);
            table.Append(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {interp[0].Instructions:N0} | {im:F0} ({interp.Min(s => s.Mips):F0}-{interp.Max(s => s.Mips):F0}) | {tm:F0} ({translate.Min(s => s.Mips):F0}-{translate.Max(s => s.Mips):F0}) | {tm / im:F2} |"));
            if (baseline is not null)
            {
                double bm = Median(before.Select(s => s.Mips));
                baselineMips.Add(bm);
                table.Append(string.Create(CultureInfo.InvariantCulture, $" {bm:F0} ({before.Min(s => s.Mips):F0}-{before.Max(s => s.Mips):F0}) | {tm / bm:F2} |"));
            }
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $" {iw:F2} | {tw:F2} | {qw:F2} | {iw / qw:F2} | {tw / qw:F2} |"));
        }
        double interpGeomean = Math.Exp(interpMips.Average(Math.Log));
        double translateGeomean = Math.Exp(translateMips.Average(Math.Log));
        table.Append(string.Create(CultureInfo.InvariantCulture,
            $"\nGeometric mean of Cloak MIPS: interpreter **{interpGeomean:F0}**, translator **{translateGeomean:F0}** ({translateGeomean / interpGeomean:F2}x the interpreter in the same run)"));
        if (baseline is not null)
        {
            double baselineGeomean = Math.Exp(baselineMips.Average(Math.Log));
            table.Append(string.Create(CultureInfo.InvariantCulture, $"; baseline translator **{baselineGeomean:F0}** (this translator {translateGeomean / baselineGeomean:F2}x the baseline's)"));
        }
        table.AppendLine(".");
        table.AppendLine($"Load average (1, 5, 15 min) before: {loadBefore}; after: {LoadAverage()}.");
        return "### CPU-bound programs, Cloak (interpreter and translator) vs QEMU\n\nMedians of " + repeat +
               " rounds, each running the interpreter, the translator" + (baseline is null ? "" : ", the baseline's translator (" + baseline + ")") +
               " and QEMU in turn (rotating order); process start-up included in wall times on both sides. MIPS is Cloak\u2019s own figure (instructions retired / seconds in the simulation loop); spread is the lowest and highest of the rounds.\n\n" + table + "\n";
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The machine's load average as /proc/loadavg gives it (Linux), or "unknown".</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
