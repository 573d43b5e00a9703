using Cloak.Chip.Security;
using Cloak.Chip.Timing;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// The timing model (docs/cost-model.md): the protection scheme changes what a run costs in cycles,
/// never what the chip encrypts, checks or moves on the bus; and its caches behave as caches.
/// </summary>
public class CostModelTests
{
    private static ScenarioResult Run(MemoryProtectionMode mode, ProtectionScheme scheme)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, RamSize = 128 * 1024, Scheme = scheme });
        scenario.AddSealed("secret_worker");
        scenario.Start("secret_worker", "2");
        var result = scenario.Run();
        Assert.True(result["secret_worker"].ExitCode == 0, result.ToString());
        return result;
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void The_scheme_changes_the_cycles_but_not_what_is_encrypted_checked_or_moved(MemoryProtectionMode mode)
    {
        var xts = Run(mode, ProtectionScheme.Xts);
        var ctr = Run(mode, ProtectionScheme.Ctr);

        Assert.Equal(xts["secret_worker"].Output, ctr["secret_worker"].Output);
        Assert.Equal(xts.Chip.Encryption.LinesDecrypted, ctr.Chip.Encryption.LinesDecrypted);
        Assert.Equal(xts.Chip.Encryption.LinesEncrypted, ctr.Chip.Encryption.LinesEncrypted);
        Assert.Equal(xts.Chip.Encryption.MacChecks, ctr.Chip.Encryption.MacChecks);
        Assert.Equal(xts.Chip.BusLinesRead, ctr.Chip.BusLinesRead);
        Assert.Equal(xts.Chip.BusLinesWritten, ctr.Chip.BusLinesWritten);
        Assert.NotEqual(xts.Chip.ProtectionStallCycles, ctr.Chip.ProtectionStallCycles);
    }

    [Fact]
    public void A_tag_array_keeps_the_most_recently_used_lines_and_reports_a_dirty_victim()
    {
        var tags = new TagArray(lines: 2, ways: 2, mix: false); // one set of two ways
        Assert.False(tags.Access(10, write: true, owner: 7, out var none));
        Assert.False(none.Valid);
        Assert.False(tags.Access(20, write: false, owner: 0, out _));
        Assert.True(tags.Access(10, write: false, owner: 0, out _)); // 10 is now the most recently used

        Assert.False(tags.Access(30, write: false, owner: 0, out var victim));

        Assert.Equal(20UL, victim.Key); // the least recently used went, clean
        Assert.False(victim.Dirty);
        Assert.False(tags.Access(40, write: false, owner: 0, out victim));
        Assert.Equal(10UL, victim.Key);
        Assert.True(victim.Dirty);
        Assert.Equal(7L, victim.Owner);
    }

    [Fact]
    public void Counter_mode_hides_decryption_behind_the_fetch_when_counters_are_cached()
    {
        var xts = Run(MemoryProtectionMode.Confidentiality, ProtectionScheme.Xts).Chip;
        var ctr = Run(MemoryProtectionMode.Confidentiality, ProtectionScheme.Ctr).Chip;

        // XTS pays the cipher after every line from DRAM; counter mode only on counter-cache misses.
        Assert.True(ctr.ProtectionStallCycles < xts.ProtectionStallCycles, $"ctr {ctr.ProtectionStallCycles}, xts {xts.ProtectionStallCycles}");
    }
}
