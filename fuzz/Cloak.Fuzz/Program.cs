using System.Globalization;
using Cloak.Fuzz;

// The fuzz harness's command line (docs/reliability.md). fuzz/run drives "afl" under afl-fuzz.
//   Cloak.Fuzz seeds                              writes the synthesized seeds of fuzz/corpora (fuzz/make-corpora)
//   Cloak.Fuzz list                               the targets and their contracts
//   Cloak.Fuzz instrumented TARGET                the assemblies fuzz/run instruments for it
//   Cloak.Fuzz afl TARGET                         one target under afl-fuzz (SharpFuzz, persistent mode)
//   Cloak.Fuzz run TARGET FILE...                 replays inputs (a crash afl-fuzz found, a corpus entry)
//   Cloak.Fuzz smoke TARGET [MUTATIONS] [SEED] [SECONDS]  corpus plus random mutations in process
if (args.Length == 0 || args[0] is "-h" or "--help") return Usage(null);
if (args[0] == "seeds")
{
    SeedCorpus.Write();
    return 0;
}
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-8} {t.Contract}");
    return 0;
}
if (args.Length < 2) return Usage("missing the target");
var target = FuzzTargets.Find(args[1]);
if (target is null) return Usage($"unknown target '{args[1]}' (Cloak.Fuzz list names them)");

switch (args[0])
{
    case "instrumented":
        foreach (string assembly in target.Instrumented) Console.WriteLine(assembly);
        return 0;
    case "afl":
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var input = buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, target.MaxInputLength));
            target.Run(input);
        });
        return 0;
    case "run":
    {
        int failed = 0;
        foreach (string path in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]))
        {
            byte[] input = File.ReadAllBytes(path);
            if (input.Length > target.MaxInputLength) input = input[..target.MaxInputLength];
            try
            {
                Console.WriteLine($"{path}: {(target.Run(input) ? "accepted" : "refused")}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{path}: FAILED: {e}");
            }
        }
        return failed == 0 ? 0 : 1;
    }
    case "smoke":
    {
        int mutations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        int seed = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        TimeSpan? budget = args.Length > 4 ? TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture)) : null;
        var report = FuzzSession.Run(target, mutations, seed, budget);
        Console.WriteLine(report);
        string crashes = Repository.File($"fuzz/.out/smoke-crashes/{target.Name}");
        foreach (var (failure, i) in report.Failures.Select((f, i) => (f, i)))
        {
            Directory.CreateDirectory(crashes);
            string file = Path.Combine(crashes, $"seed{seed}-{i}");
            File.WriteAllBytes(file, failure.Input);
            Console.WriteLine($"--- {failure.Case} (input saved to {file})\n{failure.Problem}");
        }
        return report.Failures.Count == 0 ? 0 : 1;
    }
    default:
        return Usage($"unknown command '{args[0]}'");
}

static int Usage(string? problem)
{
    if (problem is not null) Console.Error.WriteLine($"Cloak.Fuzz: {problem}");
    Console.Error.WriteLine("usage: Cloak.Fuzz list | afl TARGET | run TARGET FILE... | smoke TARGET [MUTATIONS] [SEED] [SECONDS]");
    return 2;
}
