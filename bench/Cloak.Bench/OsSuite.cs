using System.Globalization;
using System.Text;

namespace Cloak.Bench;

/// <summary>
/// The cost of address translation: each CPU-bound benchmark run bare-metal (M-mode, no translation)
/// and as a user process under the OS model (U-mode, Sv39, timer preemption), then a 4-process
/// shared-memory workload whose MIPS is compared with the bare-metal geometric mean.
/// </summary>
internal static class OsSuite
{
    public static string Run(string repo, List<string> programs, int repeat)
    {
        var table = new StringBuilder();
        table.AppendLine("### Address translation on (OS model, user processes) against bare metal\n");
        table.AppendLine($"Best of {repeat} runs each; MIPS from `--stats` (simulation loop only). Ratio = MMU-on MIPS / bare-metal MIPS (1.00 = translation is free).\n");
        table.AppendLine("| program | instructions | bare-metal MIPS | MMU-on MIPS | ratio |");
        table.AppendLine("|---|---:|---:|---:|---:|");
        var bare = new List<double>();
        var ratios = new List<double>();
        foreach (string elf in programs)
        {
            string name = Path.GetFileNameWithoutExtension(elf);
            string user = Path.Combine(repo, "guest", "build", "bench", "user", name + ".elf");
            if (!File.Exists(user)) continue;
            Console.Error.WriteLine($"bench: {name} (bare metal and user process)");
            var b = Measure.Best(repeat, () => Measure.Cloak(repo, elf), fastest: true);
            var u = Measure.Best(repeat, () => Measure.Cloak(repo, user), fastest: true);
            bare.Add(b.Mips);
            ratios.Add(u.Mips / b.Mips);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {u.Instructions:N0} | {b.Mips:F0} | {u.Mips:F0} | {u.Mips / b.Mips:F2} |"));
        }
        double bareMean = Math.Exp(bare.Average(Math.Log));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"\nGeometric means: bare-metal {bareMean:F0} MIPS; MMU-on/bare-metal ratio {Math.Exp(ratios.Average(Math.Log)):F2}.\n"));

        string shm = Path.Combine(repo, "guest", "build", "user", "shmbench.elf");
        Console.Error.WriteLine("bench: shmbench (4 processes, shared memory, preemption)");
        var s = Measure.Best(repeat, () => Measure.Cloak(repo, shm), fastest: true);
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Multi-process workload `guest/user/shmbench` (4 processes multiplying matrices in one shared segment, quantum 100,000 instructions): {s.Instructions:N0} instructions at **{s.Mips:F0} MIPS**, {s.Mips / bareMean:F2} of the bare-metal geometric mean (target: at least 0.75).\n"));
        return table.ToString();
    }
}
