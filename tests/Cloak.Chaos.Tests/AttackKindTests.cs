using Cloak.Attacks.Chaos;
using Cloak.Demo;

namespace Cloak.Chaos.Tests;

/// <summary>
/// Each kind of attack of the chaos adversary, alone (or with the capture a replay needs), is taken in
/// a case that gives it something to act on, and the invariants hold after it: a mix never hides a
/// kind that does nothing.
/// </summary>
public sealed class AttackKindTests
{
    public static TheoryData<ChaosActionKind> Kinds() => [.. Enum.GetValues<ChaosActionKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_of_attack_is_taken_and_breaks_no_invariant(ChaosActionKind kind)
    {
        var taken = new List<string>();
        for (int seed = 1; seed <= 3 && taken.Count == 0; seed++)
        {
            var chaosCase = CaseFor(kind, seed);

            var result = ChaosRun.Execute(chaosCase, Programs.Guest);

            Assert.True(result.Violations.Count == 0, $"{result.Case}: {string.Join("; ", result.Violations)}");
            taken.AddRange(result.Actions.Where(a => a.Kind == kind).Select(a => a.ToString()));
        }
        Assert.True(taken.Count > 0, $"no {kind} was taken in three seeds");
    }

    /// <summary>A case where <paramref name="kind"/> has something to act on: metadata (authenticated), swap (small RAM), two copies of one image (M4's clients), contexts, messages.</summary>
    private static ChaosCase CaseFor(ChaosActionKind kind, int seed)
    {
        HashSet<ChaosActionKind> kinds = kind switch
        {
            ChaosActionKind.UnflipMetadata => [kind, ChaosActionKind.FlipMac],
            ChaosActionKind.ReplayPage => [kind, ChaosActionKind.CapturePage],
            ChaosActionKind.ReplayMetadata => [kind, ChaosActionKind.CaptureMetadata],
            _ => [kind],
        };
        bool swap = kind is ChaosActionKind.FlipSwap or ChaosActionKind.SpliceSwap or ChaosActionKind.ReplaySwap or ChaosActionKind.SubstituteFrame;
        bool authenticated = ChaosActions.NeedsMetadata(kind) || seed % 2 == 0;
        var settings = new ChaosSettings { Seed = seed, Kinds = kinds, Rate = 0.05, MaxActions = 12 };
        return new ChaosCase(seed, ShareMethod.M4, authenticated, Clients: 2, Signed: seed % 2 == 1,
            swap ? ChaosCase.SmallRam : ChaosCase.LargeRam, settings);
    }
}
