using Cloak.Platform;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.2: an attacker on the memory bus sees every transfer. Lines of protected memory cross as
/// ciphertext (see CanaryTests); plain data accesses cross as they are, and a tap sees those too.
/// </summary>
public class BusTapTests
{
    private sealed class Tap : IBusTap
    {
        public List<BusTransfer> Transfers { get; } = [];
        public void Observe(in BusTransfer transfer) => Transfers.Add(transfer);
    }

    [Fact]
    public void A_tap_sees_the_plain_data_accesses_of_a_plain_process_as_they_are()
    {
        var scenario = new Scenario();
        scenario.AddPlain("atomics");
        var tap = new Tap();
        scenario.Bus.Attach(tap);
        scenario.Start("atomics");

        var result = scenario.Run();

        Assert.True(result["atomics"].ExitCode == 0, result["atomics"].ToString());
        var plain = tap.Transfers.Where(t => !t.IsLine).ToList();
        Assert.NotEmpty(plain);
        Assert.All(plain, t => Assert.InRange(t.Data.Length, 1, 8));
        Assert.Contains(plain, t => t.Direction == BusDirection.Write);
        Assert.Contains(plain, t => t.Direction == BusDirection.Read);
    }

    [Fact]
    public void Without_a_tap_plain_accesses_are_not_reported_and_a_detached_tap_hears_nothing_more()
    {
        var scenario = new Scenario();
        scenario.AddPlain("atomics");
        var tap = new Tap();
        scenario.Bus.Attach(tap);
        scenario.Bus.Detach(tap);
        scenario.Start("atomics");

        scenario.Run();

        Assert.Empty(tap.Transfers);
    }
}
