using Cloak.Demo;

namespace Cloak.Chaos.Tests;

/// <summary>
/// The same seed gives the same trace (docs/reliability.md, "The chaos adversary"): whole in
/// authenticated mode; in confidentiality mode up to the first attack that hands a process data no key
/// authenticates (it then computes on noise that depends on the chip's unseeded keys).
/// </summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(7, ShareMethod.M4, true)]
    [InlineData(8, ShareMethod.M1, true)]
    [InlineData(9, ShareMethod.M5, false)]
    [InlineData(10, ShareMethod.M3, false)]
    public void A_seed_run_twice_gives_the_same_trace_hash(int seed, ShareMethod method, bool authenticated)
    {
        var chaosCase = ChaosCase.FromSeed(seed, method, authenticated);

        var first = ChaosRun.Execute(chaosCase, Programs.Guest);
        var second = ChaosRun.Execute(chaosCase, Programs.Guest);

        Assert.True(first.ClaimedLines > 100, $"{chaosCase}: only {first.ClaimedLines} trace events claimed to repeat");
        Assert.Equal(first.ClaimedLines, second.ClaimedLines);
        Assert.Equal(first.ClaimedHash, second.ClaimedHash);
        if (authenticated) Assert.True(first.WholeTraceClaimed, $"{chaosCase}: authenticated mode claims only {first.ClaimedLines} of {first.TraceLines} events");
    }

    [Fact]
    public void Two_seeds_give_different_trace_hashes()
    {
        var one = ChaosRun.Execute(ChaosCase.FromSeed(11, ShareMethod.M2, true), Programs.Guest);
        var other = ChaosRun.Execute(ChaosCase.FromSeed(12, ShareMethod.M2, true), Programs.Guest);

        Assert.NotEqual(one.TraceHash, other.TraceHash);
    }
}
