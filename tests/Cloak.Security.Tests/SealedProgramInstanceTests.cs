using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// One sealed image started more than once on one machine (SPEC section 3: processes from sealed
/// images; a program may spawn copies of itself). Every instance gets the image's program key and
/// region ids, so their image regions share the key, the tweaks and, in authenticated mode, the
/// off-chip write counters and MACs and the on-chip root (they are identified by key and region id
/// only: IntegrityMetadataStore.RegionKey). A second instance then reads its fresh image lines
/// against counters the first one advanced and is killed by a false integrity fault, whether the
/// first is still running or has exited. (The shared counters also let the OS move a line written by
/// one instance into the other unnoticed.)
/// </summary>
public class SealedProgramInstanceTests
{
    private static ScenarioResult TwoInstances(MemoryProtectionMode mode, bool oneAfterTheOther, bool sealedTwice = false)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode });
        var image = scenario.AddSealed("secret_worker", "first");
        if (sealedTwice) scenario.AddSealed("secret_worker", "second");
        else scenario.AddSealedImage("second", image);
        scenario.Start("first", "1");
        if (oneAfterTheOther) Assert.Equal("secret_worker: ok\n", scenario.Run()["first"].Output);
        scenario.Start("second", "1");
        return scenario.Run();
    }

    // SPEC 3: processes from sealed images (one image, two processes).
    [Fact]
    public void Two_instances_of_one_sealed_image_run_side_by_side_in_confidentiality_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Confidentiality, oneAfterTheOther: false);

        Assert.Equal("secret_worker: ok\n", result["first"].Output);
        Assert.Equal("secret_worker: ok\n", result["second"].Output);
    }

    // SPEC 3 (control): two images of one program, two keys.
    [Fact]
    public void Control_one_program_sealed_twice_runs_twice_side_by_side_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: false, sealedTwice: true);

        Assert.Equal("secret_worker: ok\n", result["first"].Output);
        Assert.Equal("secret_worker: ok\n", result["second"].Output);
    }

    // SPEC 2.5 and 3: authenticated mode with one image run twice at once.
    [Fact]
    public void Two_instances_of_one_sealed_image_run_side_by_side_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: false);

        Assert.True(result["first"] is { ExitCode: 0, Killed: false }, result.ToString());
        Assert.True(result["second"] is { ExitCode: 0, Killed: false }, result.ToString());
    }

    // SPEC 2.5 and 3: authenticated mode with one image run twice in a row.
    [Fact]
    public void A_sealed_image_runs_again_after_its_first_instance_exited_in_authenticated_mode()
    {
        var result = TwoInstances(MemoryProtectionMode.Authenticated, oneAfterTheOther: true);

        Assert.True(result["second"] is { ExitCode: 0, Killed: false }, result.ToString());
    }
}
