using System.Diagnostics;

namespace Cloak.Fuzz;

/// <summary>One input that broke a target's contract.</summary>
public sealed record FuzzFailure(string Case, byte[] Input, string Problem)
{
    public override string ToString() => $"{Case}: {Problem}";
}

/// <summary>What a session ran and found.</summary>
public sealed record FuzzReport(string Target, int CorpusCases, int MutatedCases, int Accepted, TimeSpan Elapsed, TimeSpan SlowestCase,
    long MostAllocated, IReadOnlyList<FuzzFailure> Failures)
{
    public int Cases => CorpusCases + MutatedCases;
    public double ExecutionsPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        $"{Target}: {Cases} cases ({CorpusCases} corpus, {MutatedCases} mutated), {Accepted} accepted, {ExecutionsPerSecond:0.0} exec/s, " +
        $"slowest {SlowestCase.TotalMilliseconds:0} ms, most allocated {MostAllocated / 1024.0 / 1024.0:0.0} MiB, {Failures.Count} failures";
}

/// <summary>
/// The in-process fuzz run (the CI smoke run and <c>Cloak.Fuzz smoke</c>): every corpus entry of a
/// target, then random mutations of them (<see cref="Mutator"/>), each checked against the target's
/// contract: no escaping exception, no more host allocation than the target allows, and no case
/// running longer than the case limit (a hang: the case is abandoned and the session stops).
/// </summary>
public static class FuzzSession
{
    /// <summary>The committed seed inputs of a target (fuzz/corpora/&lt;target&gt;), in name order.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Corpus(FuzzTarget target)
    {
        string folder = Repository.File($"fuzz/corpora/{target.Name}");
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    public static IReadOnlyList<byte[]> Dictionary(FuzzTarget target) => AflDictionary.Load(Repository.File($"fuzz/dictionaries/{target.Name}.dict"));

    /// <param name="mutations">Mutated cases after the corpus.</param>
    /// <param name="timeBudget">Stop mutating once this much time has passed (the corpus always runs whole).</param>
    public static FuzzReport Run(FuzzTarget target, int mutations, int seed, TimeSpan? timeBudget = null, TimeSpan? caseLimit = null)
    {
        var corpus = Corpus(target);
        var seeds = corpus.Select(c => c.Bytes).DefaultIfEmpty([]).ToList();
        var mutator = new Mutator(new Random(seed), Dictionary(target), target.MaxInputLength);
        var failures = new List<FuzzFailure>();
        int accepted = 0, corpusCases = 0, mutatedCases = 0;
        long mostAllocated = 0;
        var slowest = TimeSpan.Zero;
        var random = new Random(seed);
        var limit = caseLimit ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();

        // The cases run on a worker so that a hung case can be abandoned; the caller watches the clock.
        long caseStarted = 0;
        string current = "";
        byte[] currentInput = [];
        var worker = new Thread(() =>
        {
            foreach (var (name, bytes) in corpus)
            {
                if (!One(name, bytes)) return;
                corpusCases++;
            }
            for (int i = 0; i < mutations && (timeBudget is null || clock.Elapsed < timeBudget); i++)
            {
                var input = mutator.Mutate(seeds[random.Next(seeds.Count)], seeds);
                if (!One($"mutation {i} (seed {seed})", input)) return;
                mutatedCases++;
            }
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"fuzz {target.Name}" };
        worker.Start();
        while (!worker.Join(100))
        {
            long started = Interlocked.Read(ref caseStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > limit)
            {
                failures.Add(new FuzzFailure(Volatile.Read(ref current), Volatile.Read(ref currentInput), $"still running after {limit.TotalSeconds:0} s: a hang"));
                break;
            }
        }
        return new FuzzReport(target.Name, corpusCases, mutatedCases, accepted, clock.Elapsed, slowest, mostAllocated, [.. failures]);

        bool One(string name, byte[] input)
        {
            if (input.Length > target.MaxInputLength) input = input[..target.MaxInputLength];
            Volatile.Write(ref current, name);
            Volatile.Write(ref currentInput, input);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref caseStarted, started);
            try
            {
                if (target.Run(input)) accepted++;
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(new FuzzFailure(name, input, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"));
            }
            Interlocked.Exchange(ref caseStarted, 0);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            mostAllocated = Math.Max(mostAllocated, allocated);
            if (allocated > target.MaxAllocatedBytes(input.Length))
                lock (failures) failures.Add(new FuzzFailure(name, input, $"allocated {allocated / 1024 / 1024} MiB on the host, more than the {target.MaxAllocatedBytes(input.Length) / 1024 / 1024} MiB a case may"));
            lock (failures) return failures.Count < 20;
        }
    }
}
