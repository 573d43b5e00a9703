using Cloak.Demo;

namespace Cloak.Chaos.Tests;

/// <summary>
/// A few dozen seeds of the chaos adversary in CI (docs/reliability.md, "The chaos adversary"): every
/// sharing method in both memory modes, each seed drawing its own clients, RAM size and mix of attacks,
/// held to every invariant the campaign runner checks.
/// </summary>
public sealed class ChaosSeedTests
{
    public static TheoryData<ShareMethod, bool> MethodsAndModes()
    {
        var data = new TheoryData<ShareMethod, bool>();
        foreach (var method in Enum.GetValues<ShareMethod>())
        {
            data.Add(method, true);
            data.Add(method, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MethodsAndModes))]
    public void Two_seeds_of_each_sharing_method_and_memory_mode_break_no_invariant(ShareMethod method, bool authenticated)
    {
        // Seeds differ per row so the 20 runs together draw 20 different mixes of attacks.
        int first = 100 + (int)method * 10 + (authenticated ? 5 : 0);
        for (int seed = first; seed < first + 2; seed++)
        {
            var result = ChaosRun.Execute(ChaosCase.FromSeed(seed, method, authenticated), Programs.Guest);

            Assert.True(result.Violations.Count == 0, $"{result.Case}: {string.Join("; ", result.Violations)}");
            Assert.NotEmpty(result.Outcomes);
        }
    }
}
