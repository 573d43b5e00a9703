using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Security;

/// <summary>
/// A sealed image's regions are under the image's key at every power-on, and a run's instance (its
/// context id) and its lines' counters start again after a power cycle. What the OS recorded in DRAM
/// and in the integrity metadata during one power-on must not be accepted in a later one.
/// </summary>
public sealed class PowerCycleTests
{
    private static readonly byte[] RegionKey = [.. Enumerable.Range(0, KeyTable.KeySize).Select(i => (byte)(i * 3 + 1))];
    private static readonly byte[] Plaintext = [.. Enumerable.Range(0, 64).Select(i => (byte)(255 - i))];
    private const ulong Address = 0x8000_3000;

    /// <summary>
    /// Confidentiality mode: writes <see cref="Plaintext"/> to the line in one power-on, then, in the
    /// next power-on of the same chip, puts the recorded ciphertext back (as the OS can) and reads the
    /// line under the same key, region, instance and index.
    /// </summary>
    private static byte[] ReadBackAfterAPowerCycle(LineContext line)
    {
        using var chip = ChipIdentity.Generate();
        var (before, beforeDram, beforeSlot) = PowerOn(chip, MemoryProtectionMode.Confidentiality);
        Assert.True(before.Encryption.WriteBack(Address, line with { KeySlot = beforeSlot }, Plaintext));
        byte[] recorded = beforeDram.Read(Address, 64).ToArray();

        var (after, afterDram, afterSlot) = PowerOn(chip, MemoryProtectionMode.Confidentiality);
        afterDram.Write(Address, recorded);
        var read = new byte[64];
        Assert.True(after.Encryption.Fill(Address, line with { KeySlot = afterSlot }, read));
        return read;
    }

    private static (ProtectionUnit Unit, Dram Dram, int Slot) PowerOn(ChipIdentity chip, MemoryProtectionMode mode)
    {
        var dram = new Dram(0x8000_0000, 1 << 20);
        var unit = new ProtectionUnit(chip, new SecurityOptions { Mode = mode }, dram);
        return (unit, dram, unit.Keys.Acquire(RegionKey));
    }

    [Fact]
    public void A_run_line_recorded_before_a_power_cycle_decrypts_to_something_else_after_it()
    {
        var runLine = new LineContext(0, RegionId: 77, LineIndex: 5, FreshIsZero: false, Instance: 1);
        Assert.NotEqual(Plaintext, ReadBackAfterAPowerCycle(runLine));
    }

    [Fact]
    public void Within_one_power_on_a_run_line_reads_back()
    {
        using var chip = ChipIdentity.Generate();
        var (unit, _, slot) = PowerOn(chip, MemoryProtectionMode.Confidentiality);
        var line = new LineContext(slot, RegionId: 77, LineIndex: 5, FreshIsZero: false, Instance: 1);
        Assert.True(unit.Encryption.WriteBack(Address, line, Plaintext));
        var read = new byte[64];
        Assert.True(unit.Encryption.Fill(Address, line, read));
        Assert.Equal(Plaintext, read);
    }

    [Fact]
    public void Lines_of_regions_outside_a_run_still_read_the_same_after_a_power_cycle()
    {
        // Instance 0: keys of such regions are fresh per region, and software that knows one (the
        // attacks that steal a key) computes the same tweak: the binding is for image regions only.
        var sharedLine = new LineContext(0, RegionId: 9, LineIndex: 2, FreshIsZero: false);
        Assert.Equal(Plaintext, ReadBackAfterAPowerCycle(sharedLine));
    }

    [Fact]
    public void In_authenticated_mode_a_run_line_with_its_counter_and_mac_from_before_a_power_cycle_fails_its_check()
    {
        using var chip = ChipIdentity.Generate();
        var line = new LineContext(0, RegionId: 77, LineIndex: 5, FreshIsZero: false, Instance: 1);
        var (before, beforeDram, beforeSlot) = PowerOn(chip, MemoryProtectionMode.Authenticated);
        var lineBefore = line with { KeySlot = beforeSlot };
        Assert.True(before.Encryption.WriteBack(Address, lineBefore, Plaintext));
        byte[] recorded = beforeDram.Read(Address, 64).ToArray();
        var region = new IntegrityRegion(before.KeyTagOf(RegionKey), line.RegionId, line.Instance);
        ulong counter = before.Metadata.ReadCounter(region, line.LineIndex);
        ulong mac = before.Metadata.ReadMac(region, line.LineIndex);

        var (after, afterDram, afterSlot) = PowerOn(chip, MemoryProtectionMode.Authenticated);
        var lineAfter = line with { KeySlot = afterSlot };
        // The new run writes the line once, so its counter reaches the recorded one; then the OS puts
        // the old ciphertext and MAC back (the counter already agrees).
        Assert.True(after.Encryption.WriteBack(Address, lineAfter, new byte[64]));
        Assert.Equal(counter, after.Metadata.ReadCounter(region, line.LineIndex));
        afterDram.Write(Address, recorded);
        after.Metadata.WriteMac(region, line.LineIndex, mac);

        var read = new byte[64];
        Assert.False(after.Encryption.Fill(Address, lineAfter, read));
    }
}
