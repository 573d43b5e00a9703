using Cloak.Chip;
using Cloak.Demo;
using Cloak.Isa;

namespace Cloak.Tests.Sharing;

/// <summary>
/// Sharing at scale (issue 11): the largest group the example programs run, and why the chip's EAR
/// table does not limit it. Claim 8(d) asks for a key notification region per client, not for all of
/// them at once: the owner sets up, uses and leaves one before the next (guest/share/owner.c), so
/// every process holds at most one notification region in its EAR table whatever the group size,
/// and a chip too small for that is refused by trp.earset with a message that says so.
/// </summary>
public sealed class LargeGroupTests
{
    /// <summary>Counts each protected context's EAR entries as the chip sets and clears them.</summary>
    private sealed class EarCounter : ChipObserver
    {
        private readonly Dictionary<uint, (int Live, int Notifications)> _contexts = [];

        /// <summary>The most EAR entries any one context held at once.</summary>
        public int PeakEntries { get; private set; }

        /// <summary>The most notification regions any one context held at once.</summary>
        public int PeakNotifications { get; private set; }

        public override void EarChanged(in EarChange change)
        {
            var (live, notifications) = _contexts.GetValueOrDefault(change.ContextId);
            int step = change.Added ? 1 : -1;
            live += step;
            if (change.Kind == RegionKind.Notification) notifications += step;
            _contexts[change.ContextId] = (live, notifications);
            PeakEntries = Math.Max(PeakEntries, live);
            PeakNotifications = Math.Max(PeakNotifications, notifications);
        }
    }

    private static (ScenarioResult Result, EarCounter Ear) RunCounting(int clients, ShareMethod method = ShareMethod.M4, int? earEntries = null)
    {
        var ear = new EarCounter();
        var options = Scenarios.Options(method, clients: clients) with
        {
            EarEntries = earEntries,
            Instrument = (machine, _) => machine.Processor.Observer = ear,
        };
        return (ShareScenario.Run(options), ear);
    }

    [Fact]
    public void A_group_of_256_clients_the_largest_the_examples_run_shares_correctly()
    {
        const int clients = ShareScenario.MaxClients;

        var result = Scenarios.Run(ShareMethod.M4, Attack.None, clients: clients);

        ShareAssert.Verdict(Verdict.SharedCorrectly, result);
        Assert.Equal(clients, result.Clients().Count());
        ShareAssert.PrintedLine(result, result.Owner(), $"owner: 3 rounds, 0 bad records seen by clients, {clients} of {clients} client replies read back");
        ShareAssert.HasStep(result, result.Owner(), "8(e)", times: clients);
        Assert.NotNull(result.Setup);
    }

    [Theory]
    [InlineData(ShareMethod.M4)]
    [InlineData(ShareMethod.M5)]
    public void No_process_holds_more_than_one_notification_region_and_the_owner_needs_no_more_EAR_entries_for_64_clients_than_for_2(ShareMethod method)
    {
        var (small, smallEar) = RunCounting(2, method);
        var (large, largeEar) = RunCounting(64, method);

        ShareAssert.Verdict(Verdict.SharedCorrectly, small);
        ShareAssert.Verdict(Verdict.SharedCorrectly, large);
        Assert.Equal(1, smallEar.PeakNotifications);
        Assert.Equal(1, largeEar.PeakNotifications);
        Assert.Equal(smallEar.PeakEntries, largeEar.PeakEntries);
        Assert.True(largeEar.PeakEntries < 64 / 4, $"a process held {largeEar.PeakEntries} EAR entries at once");
    }

    [Fact]
    public void A_chip_with_just_enough_EAR_entries_runs_a_large_group_and_one_fewer_is_refused_naming_the_full_table()
    {
        var (_, ear) = RunCounting(2);
        int enough = ear.PeakEntries;

        var (fits, _) = RunCounting(16, earEntries: enough);
        var (tooSmall, _) = RunCounting(16, earEntries: enough - 1);

        ShareAssert.Verdict(Verdict.SharedCorrectly, fits);
        ShareAssert.Verdict(Verdict.Failed, tooSmall);
        var owner = tooSmall.Owner();
        Assert.Equal(2, owner.ExitCode);
        Assert.Contains("the chip's encrypted attribute register table is full", tooSmall.Output[owner.Pid], StringComparison.Ordinal);
    }
}
