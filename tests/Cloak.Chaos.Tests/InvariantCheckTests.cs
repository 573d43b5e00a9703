using Cloak.Demo;
using Cloak.Kernel.Adversaries;

namespace Cloak.Chaos.Tests;

/// <summary>The campaign's checks can fail: an invariant broken on purpose is reported as broken.</summary>
public sealed class InvariantCheckTests
{
    private static readonly ChaosCase Quiet = ChaosCase.FromSeed(3, ShareMethod.M2, authenticated: true);

    [Fact]
    public void A_canary_the_OS_writes_into_a_frame_in_use_is_reported_as_leaked()
    {
        var result = ChaosRun.Execute(Quiet, Programs.Guest, [new CanaryWriter(ChaosRun.Canaries[1].Bytes)]);

        Assert.Contains(result.Violations, v => v.Invariant == Invariant.CanaryLeaked);
    }

    [Fact]
    public void An_exception_out_of_the_run_is_reported_as_an_internal_error()
    {
        var result = ChaosRun.Execute(Quiet, Programs.Guest, [new Thrower()]);

        Assert.Contains(result.Violations, v => v.Invariant == Invariant.InternalError && v.Detail.Contains("chaos test", StringComparison.Ordinal));
    }

    [Fact]
    public void A_managed_heap_over_the_bound_is_reported()
    {
        var summary = ChaosCampaign.Run(new CampaignOptions { FirstSeed = 3, LastSeed = 3, Method = ShareMethod.M2, ManagedBoundBytes = 1 }, Programs.Guest);

        Assert.Contains(summary.Violations, v => v.Violation.Invariant == Invariant.MemoryBound);
    }

    /// <summary>Copies a canary pattern into the first resident page of the process about to run (as if the chip had let it out).</summary>
    private sealed class CanaryWriter(byte[] canary) : Adversary
    {
        private bool _done;

        public override string Name => "canary writer";

        public override void OnContextSwitch(ContextSwitchEvent e)
        {
            if (_done || Powers.ResidentPages(e.To) is not { Count: > 0 } pages) return;
            Powers.Memory.Write((pages[0].Frame << 12) + 256, canary);
            _done = true;
        }
    }

    /// <summary>Throws out of a kernel hook (an internal error anywhere in the run looks the same to the campaign).</summary>
    private sealed class Thrower : Adversary
    {
        public override string Name => "thrower";

        public override void OnContextSwitch(ContextSwitchEvent e) => throw new InvalidOperationException("chaos test: thrown on purpose");
    }
}
