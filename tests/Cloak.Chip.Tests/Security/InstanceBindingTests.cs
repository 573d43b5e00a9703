using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Security;

/// <summary>
/// Issue 8: two runs of one sealed image share its key and region ids. In confidentiality mode a
/// written line of one run could be moved, with the OS's help, into the other, which decrypted the
/// other run's data. The tweak of every line of an image's region now carries the run (its instance),
/// so a moved line decrypts to noise under the other run, in both memory modes.
/// </summary>
public sealed class InstanceBindingTests
{
    private static (ProtectionUnit Unit, int Slot) Unit(MemoryProtectionMode mode)
    {
        var dram = new Dram(0x8000_0000, 1 << 20);
        var unit = new ProtectionUnit(ChipIdentity.Generate(), new SecurityOptions { Mode = mode }, dram);
        byte[] key = new byte[KeyTable.KeySize];
        key[0] = 42;
        return (unit, unit.Keys.Acquire(key));
    }

    [Fact]
    public void A_line_written_by_one_run_decrypts_to_something_else_under_another_run_in_confidentiality_mode()
    {
        var (unit, slot) = Unit(MemoryProtectionMode.Confidentiality);
        byte[] plaintext = [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 1))];
        var first = new LineContext(slot, RegionId: 77, LineIndex: 5, FreshIsZero: false, Instance: 1);
        var second = first with { Instance = 2 };

        Assert.True(unit.Encryption.WriteBack(0x8000_1000, first, plaintext));
        var asFirst = new byte[64];
        var asSecond = new byte[64];
        Assert.True(unit.Encryption.Fill(0x8000_1000, first, asFirst));
        Assert.True(unit.Encryption.Fill(0x8000_1000, second, asSecond));

        Assert.Equal(plaintext, asFirst);
        Assert.NotEqual(plaintext, asSecond);
    }

    [Fact]
    public void Regions_of_no_run_keep_decrypting_wherever_their_key_and_id_agree()
    {
        // Shared regions are instance 0 in every process that maps them: they must stay readable by all.
        var (unit, slot) = Unit(MemoryProtectionMode.Confidentiality);
        byte[] plaintext = [.. Enumerable.Range(0, 64).Select(i => (byte)i)];
        var shared = new LineContext(slot, RegionId: 9, LineIndex: 0, FreshIsZero: false);

        Assert.True(unit.Encryption.WriteBack(0x8000_2000, shared, plaintext));
        var read = new byte[64];
        Assert.True(unit.Encryption.Fill(0x8000_2000, shared with { }, read));

        Assert.Equal(plaintext, read);
    }
}
