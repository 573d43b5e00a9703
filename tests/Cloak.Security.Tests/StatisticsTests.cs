using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC section 5, statistics for every run: after a sealed run <c>OsRunOutcome.Chip</c> counts the
/// protection hardware's work (lines encrypted and decrypted, MAC checks, EAR lookups, sealed and
/// restored contexts, cache hits and misses, bus lines), consistently with each other; a plain
/// program on the same chip leaves them at zero.
/// </summary>
public class StatisticsTests
{
    private static ScenarioResult Run(MemoryProtectionMode mode, bool sealed_)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, RamSize = 128 * 1024 });
        if (sealed_) scenario.AddSealed("secret_worker");
        else scenario.AddPlain("secret_worker");
        scenario.Start("secret_worker", "2");
        var result = scenario.Run();
        Assert.True(result["secret_worker"].ExitCode == 0, result.ToString());
        return result;
    }

    // SPEC 5: statistics for every run (authenticated mode).
    [Fact]
    public void An_authenticated_sealed_run_counts_encryption_MAC_checks_EAR_lookups_contexts_caches_and_bus_lines()
    {
        var chip = Run(MemoryProtectionMode.Authenticated, sealed_: true).Chip;

        Assert.True(chip.Encryption.LinesEncrypted > 1000, $"{chip.Encryption.LinesEncrypted} lines encrypted");
        Assert.True(chip.Encryption.LinesDecrypted > 1000, $"{chip.Encryption.LinesDecrypted} lines decrypted");
        Assert.Equal(chip.Encryption.LinesEncrypted * 64, chip.Encryption.BytesEncrypted);
        Assert.Equal(chip.Encryption.LinesDecrypted * 64, chip.Encryption.BytesDecrypted);
        // Every line read from DRAM is MAC-checked, then decrypted; fresh lines of new regions need neither.
        Assert.Equal(chip.BusLinesRead, chip.Encryption.MacChecks);
        Assert.Equal(chip.Encryption.MacChecks, chip.Encryption.LinesDecrypted);
        Assert.True(chip.Encryption.FreshLines > 0);
        Assert.Equal(0UL, chip.Encryption.MacFailures);
        Assert.Equal(chip.Encryption.LinesEncrypted, chip.BusLinesWritten);
        Assert.True(chip.Protection.EarLookups > 0);
        Assert.True(chip.Protection.TrpInstructions >= 3, "trp.enter, and trp.private for the stack and the heap");
        // Every run of the process sealed its context; every run but the first restored one.
        Assert.True(chip.Protection.ContextSaves > 20, $"{chip.Protection.ContextSaves} contexts saved");
        Assert.Equal(chip.Protection.ContextSaves - 1, chip.Protection.ContextRestores);
        Assert.Equal(0UL, chip.Protection.ContextsRefused);
        Assert.Equal(0UL, chip.Protection.IntegrityFaults);
        Assert.True(chip.DataCacheHits > chip.DataCacheMisses && chip.DataCacheMisses > 0);
        Assert.True(chip.DataCacheWriteBacks > 0);
        Assert.True(chip.InstructionCacheMisses > 0);
    }

    // SPEC 5: statistics for every run (confidentiality mode).
    [Fact]
    public void A_confidentiality_mode_sealed_run_counts_no_MAC_checks()
    {
        var chip = Run(MemoryProtectionMode.Confidentiality, sealed_: true).Chip;

        Assert.True(chip.Encryption.LinesEncrypted > 1000 && chip.Encryption.LinesDecrypted > 1000);
        Assert.Equal(0UL, chip.Encryption.MacChecks);
        Assert.Equal(0UL, chip.Encryption.FreshLines);
        Assert.Equal(chip.BusLinesRead, chip.Encryption.LinesDecrypted);
        Assert.True(chip.Protection.ContextSaves > 20 && chip.Protection.EarLookups > 0);
    }

    // SPEC 5: statistics for every run (a plain process).
    [Fact]
    public void A_plain_program_on_a_tamper_resistant_chip_uses_none_of_the_protection_hardware()
    {
        var chip = Run(MemoryProtectionMode.Authenticated, sealed_: false).Chip;

        Assert.Equal(0UL, chip.Encryption.LinesEncrypted + chip.Encryption.LinesDecrypted + chip.Encryption.MacChecks);
        Assert.Equal(0UL, chip.Protection.EarLookups + chip.Protection.ContextSaves + chip.Protection.TrpInstructions);
        Assert.Equal(0UL, chip.BusLinesRead + chip.BusLinesWritten);
    }

    [Fact]
    public void A_plain_program_on_a_tamper_resistant_chip_pays_for_its_cache_misses_like_a_protected_one()
    {
        var chip = Run(MemoryProtectionMode.Authenticated, sealed_: false).Chip;

        // Plain user data goes through the same data cache and timing model as protected data (docs/cost-model.md).
        Assert.True(chip.DataCacheMisses > 0, "plain data should be cached");
        Assert.True(chip.ProtectionStallCycles > 0, "its misses should cost cycles");
        Assert.Equal(0UL, chip.Encryption.LinesDecrypted);
    }
}
