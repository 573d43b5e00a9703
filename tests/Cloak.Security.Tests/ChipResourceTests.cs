using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 8: the chip's state is a fixed hardware resource and nothing grows with the number of
/// regions a run has made. guest/tests/secure/region_churn makes and clears hidden regions as a
/// long-running service would (`churn N`) or holds as many as it can (`hold N`). Before the fix,
/// 200,000 such cycles in authenticated mode held 836 MiB: one integrity root, one off-chip record
/// and a set of cache page maps per region ever made.
/// </summary>
public class ChipResourceTests
{
    private static (ProcessRun Run, Scenario Scenario) Churn(MemoryProtectionMode mode, int roots, params string[] arguments)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, IntegrityRoots = roots });
        scenario.AddSealed("region_churn");
        scenario.Start("region_churn", arguments);
        return (scenario.Run()["region_churn"], scenario);
    }

    [Fact]
    public void Thousands_of_regions_made_and_cleared_hold_no_more_integrity_roots_or_metadata_than_the_chip_has_roots()
    {
        var (run, scenario) = Churn(MemoryProtectionMode.Authenticated, roots: 32, "churn", "3000");

        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
        Assert.Equal("churn: 3000 cycles ok\n", run.Output);
        var protection = scenario.Machine.Processor.Protection!;
        Assert.InRange(protection.Tree!.RootsHeld, 1, 32);
        Assert.InRange(protection.Metadata.RegionRecords, 1, 32);
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void The_data_caches_page_maps_stay_bounded_however_many_regions_come_and_go(MemoryProtectionMode mode)
    {
        var (run, scenario) = Churn(mode, roots: 1024, "churn", "6000");

        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
        var cache = scenario.Machine.Processor.Protection!.DataCache;
        // Each cycle's region has its own key and region id, so each line it writes gets a page map
        // of its own; only maps of pages with cached lines may outlive the purge.
        Assert.InRange(cache.MapCount, 1, 2 * cache.Sets * cache.Ways + 1024);
    }

    [Fact]
    public void When_every_integrity_root_is_in_use_a_new_region_is_refused_with_RegionTableFull()
    {
        var (run, scenario) = Churn(MemoryProtectionMode.Authenticated, roots: 16, "hold", "60");

        Assert.True(run is { ExitCode: 0, Killed: false }, run.ToString());
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal($"hold: refused with status {(int)TrpStatus.RegionTableFull}", lines[1]);
        int held = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        // The image's own regions hold the rest of the 16 roots.
        Assert.InRange(held, 8, 15);
        Assert.Equal(16, scenario.Machine.Processor.Protection!.Tree!.RootCapacity);
    }

    [Fact]
    public void A_process_that_ends_gives_back_every_integrity_root_it_held()
    {
        var (run, scenario) = Churn(MemoryProtectionMode.Authenticated, roots: 1024, "hold", "40");

        Assert.Equal("hold: 40 regions\n", run.Output);
        var tree = scenario.Machine.Processor.Protection!.Tree!;
        // Held but unreferenced: a new region may take any of them; the count of roots in use is 0.
        Assert.Equal(0, tree.RootsReferenced);
    }

    [Fact]
    public void The_chip_refuses_a_configuration_with_too_few_integrity_roots()
    {
        var options = new SecurityOptions { IntegrityRoots = 2 };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }
}
