using Cloak.Chip.Security;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.2: every data access of a protected process goes through the memory encryption unit,
/// atomics included. guest/tests/secure/atomics.c runs AMOs and LR/SC on a global, a heap word and
/// a stack word (all protected when sealed) and checks each result against plain arithmetic.
/// Before the fix, atomics read and wrote DRAM directly: they computed on ciphertext and left
/// plaintext in DRAM, and the sealed program crashed.
/// </summary>
public class AtomicsTests
{
    private static ProcessRun Run(bool sealed_, MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, DataCacheBytes = 1024, DataCacheWays = 2 });
        if (sealed_) scenario.AddSealed("atomics");
        else scenario.AddPlain("atomics");
        scenario.AddPlain("spinner");
        scenario.Start("atomics");
        scenario.Start("spinner", "100000");
        return scenario.Run()["atomics"];
    }

    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void Atomics_on_protected_memory_compute_what_they_compute_on_plain_memory(MemoryProtectionMode mode)
    {
        var plain = Run(sealed_: false, mode);
        var protectedRun = Run(sealed_: true, mode);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.StartsWith("atomics: ok ", plain.Output, StringComparison.Ordinal);
        Assert.True(protectedRun.ExitCode == 0 && protectedRun.KillReason is null, protectedRun.ToString());
        Assert.Equal(plain.Output, protectedRun.Output);
    }
}
