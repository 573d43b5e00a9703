using System.Globalization;
using System.Text;

namespace Cloak.Bench;

/// <summary>
/// bench/run [cpu|os|crypto|protect|share|instruments|all] [--repeat N] [--record] [--only NAME[,NAME...]] [--baseline DIR]:
/// <c>cpu</c> runs every CPU-bound guest benchmark under <c>cloak run --stats</c> and under QEMU, best
/// of N wall-clock runs each, and prints instructions, Cloak's MIPS and the Cloak/QEMU wall-time ratio;
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
        var programs = Directory.GetFiles(Path.Combine(repo, "guest", "build", "bench"), "*.elf")
            .Where(p => only is null || only.Split(',').Contains(Path.GetFileNameWithoutExtension(p)))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (programs.Count == 0)
        {
            Console.Error.WriteLine("bench: no benchmark programs in guest/build/bench: run ./setup (or make -C guest)");
            return 1;
        }

        var report = new StringBuilder();
        if (suite is "cpu" or "all") report.Append(CpuSuite(repo, programs, repeat));
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

    private static string CpuSuite(string repo, List<string> programs, int repeat)
    {
        var table = new StringBuilder();
        table.AppendLine("| program | instructions | Cloak MIPS | Cloak wall s | QEMU wall s | Cloak/QEMU |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");
        var mipsValues = new List<double>();
        foreach (string elf in programs)
        {
            string name = Path.GetFileNameWithoutExtension(elf);
            Console.Error.WriteLine($"bench: {name}");
            var cloak = Measure.Best(repeat, () => Measure.Cloak(repo, elf));
            var qemu = Measure.Best(repeat, () => Measure.Qemu(elf));
            if (cloak.ExitCode != qemu.ExitCode)
                Console.Error.WriteLine($"bench: warning: {name} exits {cloak.ExitCode} under Cloak and {qemu.ExitCode} under QEMU");
            mipsValues.Add(cloak.Mips);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {cloak.Instructions:N0} | {cloak.Mips:F0} | {cloak.Wall.TotalSeconds:F2} | {qemu.Wall.TotalSeconds:F2} | {cloak.Wall / qemu.Wall:F2} |"));
        }
        double geomean = Math.Exp(mipsValues.Average(Math.Log));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"\nGeometric mean of Cloak MIPS: **{geomean:F0}**."));
        return "### CPU-bound programs, Cloak vs QEMU\n\nBest of " + repeat + " wall-clock runs each, process start-up included on both sides. MIPS is Cloak\u2019s own figure (instructions retired / seconds in the simulation loop).\n\n" + table + "\n";

    }
}
