using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.3 and section 3: the tweak of a protected line is its region id and offset, not its address,
/// so protected pages stay ciphertext in swap and decrypt (and, in authenticated mode, authenticate)
/// after coming back into whatever frame is free. secret_worker runs with 128 KiB of DRAM: its table
/// and heap pages go out and come back many times, mostly into other frames, and every value it
/// computed must still be right.
/// </summary>
public class SwapTests
{
    // SPEC 2.3 and 3: protected pages stay ciphertext in swap; swap-in may pick other frames.
    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void Protected_pages_swapped_out_many_times_come_back_in_other_frames_with_every_value_right(MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, RamSize = 128 * 1024 });
        scenario.AddSealed("secret_worker");
        // The sealed data region (.data and the .bss table) and the private heap region.
        var watcher = new SwapFrameWatcher(name => name is "secret_worker[1] image 0x1000000" or "secret_worker[1] heap");
        scenario.Attach(watcher);
        scenario.Start("secret_worker", "6");
        var result = scenario.Run();

        var worker = result["secret_worker"];
        Assert.True(worker is { ExitCode: 0, Killed: false }, result.ToString());
        Assert.Equal("secret_worker: ok\n", worker.Output);
        Assert.True(watcher.SwapOuts >= 100, $"only {watcher.SwapOuts} protected pages were swapped out");
        Assert.True(watcher.SwapIns >= 100, $"only {watcher.SwapIns} protected pages came back");
        Assert.True(watcher.CameBackElsewhere >= watcher.SwapIns / 2, $"only {watcher.CameBackElsewhere} of {watcher.SwapIns} came back in another frame");
        Assert.Equal(0UL, result.Chip.Encryption.MacFailures);
    }
}
