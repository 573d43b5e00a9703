using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.5: the authenticated mode keeps a bounded cache of verified counter-tree nodes on chip
/// (<see cref="SecurityOptions.IntegrityNodeCache"/>) and the rest off chip. Protected programs whose
/// working set outgrows that cache must still run: the chip re-verifies what it dropped.
/// </summary>
public class IntegrityNodeCacheTests
{
    private static ScenarioResult Run(int nodeCache)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = MemoryProtectionMode.Authenticated, IntegrityNodeCache = nodeCache });
        scenario.AddSealed("secret_worker");
        scenario.AddSealed("canary");
        scenario.Start("secret_worker", "3");
        scenario.Start("canary", "3");
        return scenario.Run();
    }

    // SPEC 2.5 (control): a node cache large enough for the working set.
    [Fact]
    public void Two_protected_programs_run_with_a_node_cache_that_holds_their_working_set()
    {
        var result = Run(nodeCache: 1 << 16);

        Assert.Equal("secret_worker: ok\n", result["secret_worker"].Output);
        Assert.Equal("canary: done, 3 rounds, canaries intact\n", result["canary"].Output);
    }

    /// <summary>
    /// IntegrityTree.Increment (src/Cloak.Chip/Security/IntegrityTree.cs, line 80) rebuilds the path to
    /// the root from siblings it expects in the verified-node cache, but Verify stops climbing at the
    /// first node it finds there, and TrimCache drops entries without regard to paths: once a path's
    /// lower node survives a trim and one of its siblings higher up does not, the next write-back of a
    /// line under it throws InvalidOperationException("sibling not verified") out of the simulator
    /// (through DataCache.Evict and the hart's store). Here with the default cache (4096 nodes) and
    /// the minimum (256).
    /// </summary>
    // SPEC 2.5 and 6: the authenticated mode works past its node cache; the simulator never crashes.
    [Theory]
    [InlineData(4096)]
    [InlineData(256)]
    public void Two_protected_programs_run_with_a_node_cache_smaller_than_their_working_set(int nodeCache)
    {
        var result = Run(nodeCache);

        Assert.Equal("secret_worker: ok\n", result["secret_worker"].Output);
        Assert.Equal("canary: done, 3 rounds, canaries intact\n", result["canary"].Output);
    }
}
