using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Kernel.Adversaries;
using Cloak.Sealing;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.5: the authenticated memory mode (a MAC and a write counter per line, an on-chip root over
/// the counters) detects tampering and replay. guest/tests/secure/secret_worker computes over a .bss
/// table, a heap buffer and a stack array and checks every value at the end. Each attack below
/// changes its memory in DRAM or in swap: a bit flip, a splice (one line's ciphertext over another
/// line of the same region, or of another region under another key) and a replay (an old line back,
/// with or without its old MAC, counter and tree nodes). In authenticated mode the victim must be
/// killed with an integrity fault and never print a result; in confidentiality mode the same attacks
/// go unnoticed by the chip and the victim computes a wrong result (the documented weakness of that
/// mode: these tests fail if it changes).
/// </summary>
public class TamperTests
{
    private const ulong SmallDram = 128 * 1024;

    /// <summary>
    /// The victim's scheduling by which it has initialised its data and started its rounds (it runs one
    /// 20,000-instruction quantum per scheduling): earlier, a tampered line may simply be overwritten
    /// before anything reads it, which is no attack at all in confidentiality mode.
    /// </summary>
    private const int AfterInit = 20;

    /// <summary>secret_worker's .bss table (8 pages) and the sealed region holding it.</summary>
    private static ulong Table => Guest.Load(Guest.Secure("secret_worker")).Symbol("secret_table") ?? throw new InvalidOperationException("no secret_table symbol");

    private static ScenarioResult Attack(MemoryProtectionMode mode, ulong ramSize, Func<Scenario, SealedImage, Adversary> adversary,
        out Adversary attached)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, RamSize = ramSize });
        var image = scenario.AddSealed("secret_worker");
        scenario.AddPlain("spinner");
        attached = adversary(scenario, image);
        scenario.Attach(attached);
        scenario.Attach(new CompanionReaper("secret_worker", "spinner"));
        scenario.Start("secret_worker", "3");
        scenario.Start("spinner", "1000000");
        return scenario.Run();
    }

    private static SealedRegion RegionOf(SealedImage image, ulong va) => image.Regions.Single(r => va >= r.Start && va < r.End);

    private static void AssertDetected(ScenarioResult result, string attack)
    {
        var worker = result["secret_worker"];
        Assert.True(worker.Killed, $"{attack} was not detected: {result}");
        Assert.StartsWith("integrity fault (protected memory failed authentication) at a protected pc (hidden)", worker.KillReason, StringComparison.Ordinal);
        Assert.Equal(128 + 7, worker.ExitCode);
        Assert.DoesNotContain("secret_worker:", worker.Output, StringComparison.Ordinal);
        Assert.True(result.Chip.Encryption.MacFailures >= 1);
    }

    private static void AssertUndetectedWrongResult(ScenarioResult result, string attack)
    {
        var worker = result["secret_worker"];
        Assert.False(worker.Killed, $"{attack}: confidentiality mode has no integrity check, yet: {worker}");
        Assert.True(worker.ExitCode == 1 && worker.Output.StartsWith("secret_worker: WRONG RESULT (", StringComparison.Ordinal),
            $"{attack} in confidentiality mode should give a wrong result: {result}");
        Assert.Equal(0UL, result.Chip.Encryption.MacChecks);
    }

    private static void AssertOutcome(MemoryProtectionMode mode, ScenarioResult result, string attack)
    {
        if (mode == MemoryProtectionMode.Authenticated) AssertDetected(result, attack);
        else AssertUndetectedWrongResult(result, attack);
    }

    public static TheoryData<MemoryProtectionMode> Modes => [MemoryProtectionMode.Authenticated, MemoryProtectionMode.Confidentiality];

    // SPEC 2.5: tampering detected in authenticated mode, not in confidentiality mode.
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_bit_flipped_in_DRAM_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, 16UL << 20, (_, _) => new BitFlipAdversary("secret_worker", Table + 0x1000 + 72, bit: 3, atRun: AfterInit), out var a);

        Assert.True(((BitFlipAdversary)a).Flipped);
        AssertOutcome(mode, result, "a bit flip in DRAM");
    }

    // SPEC 2.5: tampering (splice) detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_line_spliced_over_another_line_of_the_same_region_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, 16UL << 20, (_, _) => new LineSpliceAdversary("secret_worker", Table + 0x2000 + 128, Table + 0x1000, atRun: AfterInit), out var a);

        Assert.True(((LineSpliceAdversary)a).Spliced);
        AssertOutcome(mode, result, "a splice within a region");
    }

    // SPEC 2.5: tampering (splice across regions and keys) detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_line_of_another_region_spliced_over_a_line_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, 16UL << 20, (_, _) => new LineSpliceAdversary("secret_worker", Table + 0x3000, sourceVa: null, atRun: AfterInit), out var a);

        Assert.True(((LineSpliceAdversary)a).Spliced);
        AssertOutcome(mode, result, "a splice from the heap region");
    }

    // SPEC 2.5: replay detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void An_old_line_written_back_to_DRAM_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, 16UL << 20, (_, _) => new LineReplayAdversary("secret_worker", Table + 0x1000 + 64, captureAtRun: AfterInit), out var a);

        Assert.True(((LineReplayAdversary)a).Replayed);
        AssertOutcome(mode, result, "a line replayed in DRAM");
    }

    // SPEC 2.5: the on-chip root over the counters detects replay.
    [Fact]
    public void An_old_line_replayed_with_its_old_MAC_counter_and_tree_nodes_is_detected_by_the_on_chip_root()
    {
        var result = Attack(MemoryProtectionMode.Authenticated, 16UL << 20,
            (scenario, image) => new LineReplayAdversary("secret_worker", Table + 0x1000 + 64, captureAtRun: AfterInit, scenario.Metadata, RegionOf(image, Table)),
            out var a);

        var replay = (LineReplayAdversary)a;
        Assert.True(replay.Replayed);
        Assert.True(replay.CapturedCounter >= 1, "the captured line had never been written back: nothing old to replay");
        AssertDetected(result, "a replay with rolled-back metadata");
    }

    // SPEC 2.5: replay (a whole page) detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void An_old_copy_of_a_page_written_back_to_DRAM_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, 16UL << 20, (_, _) => new ReplayAdversary("secret_worker", Table + 0x4000, captureAtRun: AfterInit, restoreAtRun: AfterInit + 12), out var a);

        Assert.True(((ReplayAdversary)a).Restored);
        AssertOutcome(mode, result, "a page replayed in DRAM");
    }

    // SPEC 2.5 and 3: tampering in swap detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_bit_flipped_in_a_swap_slot_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, SmallDram, (_, _) => new SwapTamperAdversary("secret_worker", Table + 0x2000 + 200, SwapAttack.BitFlip, AfterInit), out var a);

        Assert.True(((SwapTamperAdversary)a).Tampered, "the page never came back from swap");
        AssertOutcome(mode, result, "a bit flip in swap");
    }

    // SPEC 2.5 and 3: a splice in swap detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_line_spliced_within_a_swap_slot_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, SmallDram, (_, _) => new SwapTamperAdversary("secret_worker", Table + 0x3000 + 0x340, SwapAttack.Splice, AfterInit), out var a);

        Assert.True(((SwapTamperAdversary)a).Tampered, "the page never came back from swap");
        AssertOutcome(mode, result, "a splice in swap");
    }

    // SPEC 2.5 and 3: replay through swap detected in authenticated mode only.
    [Theory]
    [MemberData(nameof(Modes))]
    public void An_old_swap_slot_handed_back_at_swap_in_is_detected_only_in_authenticated_mode(MemoryProtectionMode mode)
    {
        var result = Attack(mode, SmallDram, (_, _) => new ReplayAdversary("secret_worker", Table + 0x1000, inSwap: true), out var a);

        Assert.True(((ReplayAdversary)a).Restored, "the page was not swapped out twice and back");
        AssertOutcome(mode, result, "a swap slot replayed");
    }

    // SPEC 2.5: the on-chip root detects a replay through swap with its metadata.
    [Fact]
    public void An_old_swap_slot_handed_back_with_its_old_integrity_metadata_is_detected_by_the_on_chip_root()
    {
        var result = Attack(MemoryProtectionMode.Authenticated, SmallDram,
            (scenario, image) => new SwapTamperAdversary("secret_worker", Table + 0x1000, SwapAttack.ReplayWithMetadata, AfterInit, scenario.Metadata, RegionOf(image, Table)),
            out var a);

        Assert.True(((SwapTamperAdversary)a).Tampered, "the page was not swapped out twice and back with new contents");
        AssertDetected(result, "a swap replay with rolled-back metadata");
    }

    /// <summary>
    /// When the victim's table page 3 comes back from swap, the OS maps it at the frame of table page 2
    /// (same region, same key, other offset). Page 2's lines are in the data cache when page 3 is read,
    /// and the cache serves them without checking the region offset they were decrypted for (see
    /// CacheIsolationTests): no MAC is checked, page 3 computes on page 2's values, those are written
    /// back as page 2's with valid MACs, and the victim prints a wrong result with no integrity fault.
    /// Without the cache, every fill of page 3 from page 2's frame would fail its MAC.
    /// </summary>
    // SPEC 2.5: tampering (a splice by page table) detected in authenticated mode.
    [Fact]
    public void A_page_mapped_at_the_frame_of_another_page_of_its_region_is_detected_in_authenticated_mode()
    {
        var result = Attack(MemoryProtectionMode.Authenticated, SmallDram,
            (_, _) => new PageAliasAdversary("secret_worker", Table + 0x3000, Table + 0x2000, AfterInit), out var a);

        Assert.True(((PageAliasAdversary)a).Aliased, "the page was never mapped again");
        AssertDetected(result, "a page aliased onto another page's frame");
    }

    // SPEC 2.5: confidentiality mode detects no tampering (documented weakness).
    [Fact]
    public void A_page_mapped_at_the_frame_of_another_page_of_its_region_gives_a_wrong_result_in_confidentiality_mode()
    {
        var result = Attack(MemoryProtectionMode.Confidentiality, SmallDram,
            (_, _) => new PageAliasAdversary("secret_worker", Table + 0x3000, Table + 0x2000, AfterInit), out var a);

        Assert.True(((PageAliasAdversary)a).Aliased, "the page was never mapped again");
        AssertUndetectedWrongResult(result, "a page aliased onto another page's frame");
    }
}
