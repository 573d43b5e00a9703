using Xunit.Abstractions;

namespace Cloak.Fuzz.Tests;

/// <summary>
/// The seconds-long smoke run of every fuzz target (docs/reliability.md): its committed corpus, every
/// entry, then random mutations of it for a few seconds, each input held to the target's contract
/// (a documented refusal only, no hang, bounded host memory). The figures go to the test output.
/// The long, coverage-guided run is fuzz/run TARGET SECONDS under afl-fuzz.
/// </summary>
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    /// <summary>Mutations per target, and the wall-clock budget that stops them earlier on a slow machine.</summary>
    private const int Mutations = 3000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_corpus_and_random_mutations_keep_the_targets_contract(string name)
    {
        var target = FuzzTargets.Find(name)!;

        var report = FuzzSession.Run(target, Mutations, seed: 20_261_207, timeBudget: Budget, caseLimit: TimeSpan.FromSeconds(60));

        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, $"{report}\n{string.Join("\n\n", report.Failures)}");
        Assert.Equal(FuzzSession.Corpus(target).Count, report.CorpusCases);
        Assert.True(report.MutatedCases > 0, $"no mutation ran: {report}");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_target_has_a_corpus_that_reaches_past_its_refusals(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var corpus = FuzzSession.Corpus(target);

        Assert.NotEmpty(corpus);
        // A seed the target accepts runs the whole path (parse, load, run), not just the first check.
        Assert.Contains(corpus, c => !c.Name.StartsWith("crash-", StringComparison.Ordinal) && target.Run(c.Bytes));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_target_has_a_dictionary_in_afl_format(string name)
    {
        var dictionary = FuzzSession.Dictionary(FuzzTargets.Find(name)!);

        Assert.True(dictionary.Count >= 5, $"{name}.dict has {dictionary.Count} tokens");
        Assert.All(dictionary, token => Assert.NotEmpty(token));
    }

    [Fact]
    public void The_committed_corpus_stays_small()
    {
        long bytes = FuzzTargets.All.SelectMany(FuzzSession.Corpus).Sum(c => (long)c.Bytes.Length);

        Assert.True(bytes < 400 * 1024, $"fuzz/corpora holds {bytes / 1024} KiB; keep it to a few hundred (minimise with afl-cmin)");
    }

    [Fact]
    public void A_broken_contract_is_reported_with_its_input()
    {
        var target = new ThrowingTarget();

        var report = FuzzSession.Run(target, mutations: 3, seed: 1);

        Assert.Equal(FuzzSession.Corpus(target).Count + 3, report.Failures.Count);
        Assert.All(report.Failures, f => Assert.Contains("InvalidOperationException", f.Problem, StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Input.Length > 0);
    }

    [Fact]
    public void A_hung_case_is_reported_as_a_hang_instead_of_hanging_the_run()
    {
        var report = FuzzSession.Run(new HangingTarget(), mutations: 1, seed: 1, caseLimit: TimeSpan.FromMilliseconds(300));

        var failure = Assert.Single(report.Failures);
        Assert.Contains("a hang", failure.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_that_allocates_without_bound_is_reported()
    {
        var report = FuzzSession.Run(new GreedyTarget(), mutations: 0, seed: 1);

        Assert.Contains(report.Failures, f => f.Problem.Contains("allocated", StringComparison.Ordinal));
    }

    /// <summary>Shares the elf corpus (so there is one) and throws what no target may throw.</summary>
    private sealed class ThrowingTarget : FuzzTarget
    {
        public override string Name => "elf";
        public override string Contract => "";
        public override IReadOnlyList<string> Instrumented => [];
        public override bool Run(ReadOnlySpan<byte> input) => throw new InvalidOperationException("broken");
    }

    private sealed class HangingTarget : FuzzTarget
    {
        public override string Name => "elf";
        public override string Contract => "";
        public override IReadOnlyList<string> Instrumented => [];
        public override bool Run(ReadOnlySpan<byte> input)
        {
            Thread.Sleep(Timeout.Infinite);
            return false;
        }
    }

    private sealed class GreedyTarget : FuzzTarget
    {
        public override string Name => "elf";
        public override string Contract => "";
        public override IReadOnlyList<string> Instrumented => [];
        public override long MaxAllocatedBytes(int inputLength) => 1 << 20;
        public override bool Run(ReadOnlySpan<byte> input) => new byte[4 << 20].Length > 0;
    }
}
