using System.Reflection;
using System.Runtime.CompilerServices;
using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Crypto;
using Cloak.Kernel.Adversaries;
using Cloak.Security.Tests.Support;

namespace Cloak.Security.Tests;

/// <summary>
/// SPEC 2.3: no instruction, debugger or OS structure ever reads a key back. STYLE.md: key material
/// lives in internal types of the chip assembly, InternalsVisibleTo only for its tests, and keys never
/// appear in ToString(). Reflection checks of which types hold keys, and a run that looks for every key
/// of the chip's key table in what the OS can read. (What an OS can reach at all is walked by type in
/// <see cref="OsBoundaryTests"/>.)
/// </summary>
public class KeyExposureTests
{
    private static readonly Assembly ChipAssembly = typeof(ChipIdentity).Assembly;

    // SPEC 2.3 / STYLE.md: key material lives in internal types of the chip assembly.
    [Theory]
    [InlineData(typeof(KeyTable))]
    [InlineData(typeof(ProtectionUnit))]
    [InlineData(typeof(MemoryEncryptionUnit))]
    [InlineData(typeof(IntegrityTree))]
    [InlineData(typeof(EarTable))]
    [InlineData(typeof(ProtectedState))]
    [InlineData(typeof(LineCrypto))]
    public void The_types_that_hold_keys_are_internal_to_the_chip(Type type)
    {
        Assert.False(type.IsVisible, $"{type.Name} is visible outside the chip (and crypto) assemblies");
    }

    // STYLE.md: InternalsVisibleTo only for the chip's tests (benchmarks measure through LineCryptoMeter).
    [Fact]
    public void The_chip_assembly_shows_its_internals_only_to_test_assemblies()
    {
        var friends = ChipAssembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();

        Assert.NotEmpty(friends);
        Assert.All(friends, name => Assert.EndsWith(".Tests", name, StringComparison.Ordinal));
    }

    private static List<string> HexWindows(ReadOnlySpan<byte> key)
    {
        var windows = new List<string>();
        for (int i = 0; i + 4 <= key.Length; i++)
        {
            windows.Add(Convert.ToHexString(key.Slice(i, 4)));
            windows.Add(Convert.ToHexStringLower(key.Slice(i, 4)));
        }
        windows.Add(Convert.ToBase64String(key));
        return windows;
    }

    // SPEC 2.3 / STYLE.md: keys never appear in ToString().
    [Fact]
    public void A_chip_identitys_text_shows_no_private_or_public_key_bytes()
    {
        using var identity = ChipIdentity.Generate();
        string text = identity.ToString();

        Assert.StartsWith("chip ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(HexWindows(identity.PrivateKey), text.Contains);
        Assert.DoesNotContain(HexWindows(identity.PublicKey), text.Contains);
    }

    // SPEC 2.3 / STYLE.md: keys never appear in ToString().
    [Fact]
    public void A_key_tables_text_shows_no_key_bytes()
    {
        using var keys = new KeyTable(8);
        byte[] key = [.. Enumerable.Range(0, KeyTable.KeySize).Select(i => (byte)(0x3C + 7 * i))];
        int slot = keys.Acquire(key);

        string text = keys.ToString();

        Assert.True(slot > 0);
        Assert.Equal("key table (1 of 7 slots in use)", text);
        Assert.DoesNotContain(HexWindows(key), text.Contains);
    }

    /// <summary>Keeps every sealed context it sees, to be searched once the keys are known.</summary>
    private sealed class ContextCollector : Adversary
    {
        public List<byte[]> Blobs { get; } = [];

        public override void OnContextSwitch(ContextSwitchEvent e)
        {
            foreach (var process in Powers.Processes)
                if (Powers.SavedContext(process).SealedState is { } blob) Blobs.Add([.. blob]);
        }
    }

    // SPEC 2.3 and R2: keys exist only on chip and, encrypted, in sealed contexts.
    [Theory]
    [InlineData(MemoryProtectionMode.Confidentiality)]
    [InlineData(MemoryProtectionMode.Authenticated)]
    public void No_key_of_the_chips_key_table_appears_in_DRAM_swap_or_a_saved_context(MemoryProtectionMode mode)
    {
        var scenario = new Scenario(new ScenarioOptions { Mode = mode, RamSize = 160 * 1024 });
        scenario.AddSealed("secret_worker");
        scenario.AddSealed("trp_paths");
        var snoop = new SnoopAdversary();
        var contexts = new ContextCollector();
        scenario.Attach(snoop);
        scenario.Attach(contexts);
        scenario.Start("secret_worker", "2");
        scenario.Start("trp_paths");
        var result = scenario.Run();
        Assert.True(result["secret_worker"].ExitCode == 0 && result["trp_paths"].ExitCode == 0, result.ToString());

        var keyTable = scenario.Machine.Processor.Protection!.Keys;
        var keys = new List<byte[]>();
        for (int slot = 1; slot <= keyTable.Capacity; slot++)
        {
            var key = new byte[KeyTable.KeySize];
            keyTable.CopyKey(slot, key);
            if (key.AsSpan().ContainsAnyExcept((byte)0)) keys.Add(key);
        }
        // The program keys of both images, their stacks and heaps, trp_paths' hidden and private regions.
        Assert.True(keys.Count >= 8, $"only {keys.Count} keys in the key table");
        Assert.True(contexts.Blobs.Count > 10);
        foreach (var key in keys)
        {
            Assert.Empty(snoop.Find(key));
            Assert.Empty(snoop.Find(key.AsSpan(0, 16)));
            Assert.Empty(snoop.Find(key.AsSpan(16, 16)));
            Assert.DoesNotContain(contexts.Blobs, blob => blob.AsSpan().IndexOf(key.AsSpan(0, 16)) >= 0 || blob.AsSpan().IndexOf(key.AsSpan(16, 16)) >= 0);
        }
    }
}
