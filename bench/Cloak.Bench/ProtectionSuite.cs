using System.Globalization;
using System.Text;

namespace Cloak.Bench;

/// <summary>
/// What protection costs: each CPU-bound benchmark run as a plain user process under the OS model,
/// then sealed for a fresh chip and run in encrypted execution mode, in confidentiality mode
/// (AES-XTS) and in authenticated mode (plus per-line MACs and counters under an on-chip tree).
/// All three runs use the same user-process ELF; ratios are of host time (plain MIPS / protected
/// MIPS) and of simulated cycles under the protection hardware's latency model.
/// </summary>
internal static class ProtectionSuite
{
    public static string Run(string repo, List<string> programs, int repeat)
    {
        string work = Directory.CreateTempSubdirectory("cloak-bench-").FullName;
        try
        {
            string chip = Path.Combine(work, "chip");
            Measure.Tool(repo, ["keygen", "-o", chip]);
            var table = new StringBuilder();
            table.AppendLine("### Encrypted execution against plain execution (OS model, user processes)\n");
            table.AppendLine($"Best of {repeat} runs each; MIPS from `--stats` (host speed). Host ratio = plain MIPS / protected MIPS (the host-time slowdown; 1.00 = protection is free). Cycle ratio = protected / plain simulated cycles under the default latency model (`--crypto-latency {new Cloak.Chip.Security.CryptoLatency()}`). Lines = 64-byte lines the memory encryption unit decrypted in the confidentiality run.\n");
            table.AppendLine("| program | instructions | plain MIPS | sealed MIPS | host ratio | cycle ratio | sealed --auth MIPS | host ratio | cycle ratio | lines decrypted | D-cache hit rate |");
            table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var confidentiality = new List<double>();
            var authenticated = new List<double>();
            var confidentialityCycles = new List<double>();
            var authenticatedCycles = new List<double>();
            foreach (string elf in programs)
            {
                string name = Path.GetFileNameWithoutExtension(elf);
                string user = Path.Combine(repo, "guest", "build", "bench", "user", name + ".elf");
                if (!File.Exists(user)) continue;
                Console.Error.WriteLine($"bench: {name} (plain, sealed, sealed --auth)");
                string sealedImage = Path.Combine(work, name + ".sealed");
                Measure.Tool(repo, ["seal", user, "--chip", chip + ".pub", "-o", sealedImage]);
                var plain = Measure.Best(repeat, () => Measure.Cloak(repo, user), fastest: true);
                var conf = Measure.Best(repeat, () => Measure.Cloak(repo, sealedImage, "--chip", chip + ".key"), fastest: true);
                var auth = Measure.Best(repeat, () => Measure.Cloak(repo, sealedImage, "--chip", chip + ".key", "--auth"), fastest: true);
                // A sealed run retires a few thousand more instructions (trp.enter, the protected stack and heap set-up).
                if (Math.Abs((double)conf.Instructions - plain.Instructions) > plain.Instructions * 1e-4 || plain.ExitCode != 0 || conf.ExitCode != 0 || auth.ExitCode != 0)
                    Console.Error.WriteLine($"bench: warning: {name}: plain {plain.Instructions} instructions (exit {plain.ExitCode}), sealed {conf.Instructions} (exit {conf.ExitCode}), --auth exit {auth.ExitCode}");
                double confHost = plain.Mips / conf.Mips, authHost = plain.Mips / auth.Mips;
                double confCycles = (double)conf.Cycles / plain.Cycles, authCycles = (double)auth.Cycles / plain.Cycles;
                confidentiality.Add(confHost);
                authenticated.Add(authHost);
                confidentialityCycles.Add(confCycles);
                authenticatedCycles.Add(authCycles);
                var (hits, misses) = conf.CacheHitsMisses;
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {plain.Instructions:N0} | {plain.Mips:F0} | {conf.Mips:F0} | {confHost:F2} | {confCycles:F3} | {auth.Mips:F0} | {authHost:F2} | {authCycles:F3} | {conf.LinesDecrypted:N0} | {(hits + misses == 0 ? 0 : 100.0 * hits / (hits + misses)):F2}% |"));
            }
            static double Mean(List<double> v) => Math.Exp(v.Average(Math.Log));
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"\nGeometric means: sealed {Mean(confidentiality):F2}x host time, {Mean(confidentialityCycles):F3}x cycles; sealed --auth {Mean(authenticated):F2}x host time, {Mean(authenticatedCycles):F3}x cycles (target for cache-friendly programs: within 1.3x host time).\n"));
            return table.ToString();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
