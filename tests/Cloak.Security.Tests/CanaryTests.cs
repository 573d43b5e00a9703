using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC R2: no plaintext of protected code or data ever reaches DRAM, the bus log, the swap store or a
/// saved context. guest/tests/secure/canary.c plants a canary in its code, data, .bss, heap and stack
/// and keeps one in registers; it runs next to a plain companion (so the scheduler switches often)
/// on a chip with little DRAM (so pages go to swap) and a small data cache (so lines leave the chip
/// often), while a snoop copies DRAM at every switch and every page written to swap, a tap logs the
/// bus, and a watcher reads every saved context. The same program unsealed is the control: there the
/// snoop must find every canary, or the searching proves nothing.
/// </summary>
public class CanaryTests
{
    private static readonly (string Name, ulong Word)[] RegisterWords =
        [("register canary low", Canaries.RegisterLow), ("register canary high", Canaries.RegisterHigh)];

    private sealed record Observers(SnoopAdversary Snoop, SavedContextWatcher Contexts, PatternBusTap? Bus, SwapFrameWatcher HeapSwaps, ScenarioResult Result);

    private static Observers RunCanary(bool sealed_, MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions
        {
            Mode = mode,
            RamSize = 128 * 1024,
            DataCacheBytes = 2048,
            DataCacheWays = 2,
        });
        if (sealed_) scenario.AddSealed("canary");
        else scenario.AddPlain("canary");
        scenario.AddPlain("spinner");
        var snoop = new SnoopAdversary();
        var contexts = new SavedContextWatcher(Canaries.All, RegisterWords);
        var heapSwaps = new SwapFrameWatcher(name => name == "canary[1] heap");
        scenario.Attach(snoop);
        scenario.Attach(contexts);
        scenario.Attach(heapSwaps);
        PatternBusTap? bus = null;
        if (sealed_)
        {
            bus = new PatternBusTap(Canaries.All);
            scenario.Bus.Attach(bus);
        }
        scenario.Start("canary");
        scenario.Start("spinner", "300000");
        var result = scenario.Run();
        return new Observers(snoop, contexts, bus, heapSwaps, result);
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void R2_no_canary_of_a_sealed_program_reaches_DRAM_swap_the_bus_or_a_saved_context(MemoryProtectionMode mode)
    {
        var (snoop, contexts, bus, heapSwaps, result) = RunCanary(sealed_: true, mode);

        var canary = result["canary"];
        Assert.True(canary.ExitCode == 0 && !canary.Killed, canary.ToString());
        Assert.Equal("canary: done, 12 rounds, canaries intact\n", canary.Output);
        // The observers really watched: many snapshots, pages through swap, lines over the bus, sealed contexts.
        Assert.True(snoop.Snapshots >= 20, $"only {snoop.Snapshots} DRAM snapshots");
        Assert.True(heapSwaps.SwapOuts >= 20, $"only {heapSwaps.SwapOuts} of the canary's heap pages went to swap");
        Assert.True(bus!.Writes >= 1000 && bus.Reads >= 1000, $"only {bus.Reads} reads and {bus.Writes} writes on the bus");
        Assert.True(contexts.SealedContextsRead >= 20, $"only {contexts.SealedContextsRead} sealed contexts read");

        foreach (var (name, pattern) in Canaries.All)
            Assert.True(snoop.Find(pattern).Count == 0, $"the {name} canary reached DRAM or swap: {string.Join("; ", snoop.Find(pattern).Take(5))}");
        Assert.Empty(bus.Sightings);
        Assert.Empty(contexts.Sightings);
    }

    [Fact]
    public void R2_control_the_same_program_unsealed_shows_every_canary_to_the_snoop_and_the_register_one_to_the_OS()
    {
        var (snoop, contexts, _, _, result) = RunCanary(sealed_: false, MemoryProtectionMode.Confidentiality);

        Assert.Equal("canary: done, 12 rounds, canaries intact\n", result["canary"].Output);
        foreach (var (name, pattern) in Canaries.InMemory)
            Assert.True(snoop.Find(pattern).Count > 0, $"the snoop never saw the {name} canary of an unprotected process");
        Assert.Contains(snoop.Find(Canaries.Heap), s => s.Where.StartsWith("swap slot", StringComparison.Ordinal));
        Assert.Contains(contexts.Sightings, s => s.StartsWith("register canary low word in register x26", StringComparison.Ordinal));
        Assert.Contains(contexts.Sightings, s => s.StartsWith("register canary high word in register x27", StringComparison.Ordinal));
    }
}
