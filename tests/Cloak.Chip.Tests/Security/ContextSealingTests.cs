using Cloak.Chip.Security;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Security;

/// <summary>
/// A suspended protected context leaves the chip sealed (AES-GCM under a key derived from the chip
/// key). The chip key survives a power cycle, and context ids and versions count again from 1, so
/// each power-on binds its own random value into every context it seals: a context the OS kept from
/// an earlier power-on must not resume in a later one, however well its id, version, address space
/// and program match.
/// </summary>
public sealed class ContextSealingTests
{
    private const ulong Satp = 0x8000_0000_0008_0123;
    private static readonly byte[] Program = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void A_context_sealed_before_a_power_cycle_is_refused_after_it_even_when_everything_else_matches()
    {
        using var chip = ChipIdentity.Generate();
        byte[] oldBlob;
        using (var before = PowerOn(chip))
            oldBlob = SealOnce(before, out _, registerValue: 1111);

        using var after = PowerOn(chip);
        byte[] newBlob = SealOnce(after, out uint id, registerValue: 2222);
        Assert.Equal(1u, id); // same id and (after one seal each) the same version as the old blob's
        Assert.Equal(BitConverter.ToUInt64(oldBlob, 4), BitConverter.ToUInt64(newBlob, 4));

        var registers = new ulong[32];
        Assert.Equal(ContextRefusal.Tampered, after.Unseal(oldBlob, Satp, registers, out _, out _, out _));
        Assert.Equal(ContextRefusal.None, after.Unseal(newBlob, Satp, registers, out _, out _, out _));
        Assert.Equal(2222UL, registers[10]);
    }

    [Fact]
    public void Within_one_power_on_a_sealed_context_resumes_with_its_registers()
    {
        using var chip = ChipIdentity.Generate();
        using var unit = PowerOn(chip);
        byte[] blob = SealOnce(unit, out uint id, registerValue: 4242);

        var registers = new ulong[32];
        Assert.Equal(ContextRefusal.None, unit.Unseal(blob, Satp, registers, out ulong pc, out _, out var state));
        Assert.Equal(4242UL, registers[10]);
        Assert.Equal(0x1000UL, pc);
        Assert.Equal(id, state!.ContextId);
    }

    [Fact]
    public void Every_seal_draws_a_fresh_nonce_across_many_refills_of_the_nonce_pool()
    {
        using var chip = ChipIdentity.Generate();
        using var unit = PowerOn(chip);
        uint id = unit.Contexts.Allocate(Satp, Program, debuggable: false)!.Value;
        var state = new ProtectedState(id, Program, debuggable: false, new EarTable(unit.Options.EarEntries));
        var nonces = new HashSet<string>();
        const int seals = 1000; // about four pools of 256 nonces
        for (int i = 0; i < seals; i++)
        {
            byte[] blob = unit.Seal(state, new ulong[32], 0x1000, atEcall: false);
            nonces.Add(Convert.ToHexString(blob, 12, 12)); // after the id (4) and version (8)
        }
        Assert.Equal(seals, nonces.Count);
    }

    private static ProtectionUnit PowerOn(ChipIdentity chip) =>
        new(chip, new SecurityOptions(), new Dram(0x8000_0000, 1 << 20));

    private static byte[] SealOnce(ProtectionUnit unit, out uint id, ulong registerValue)
    {
        id = unit.Contexts.Allocate(Satp, Program, debuggable: false)!.Value;
        var state = new ProtectedState(id, Program, debuggable: false, new EarTable(unit.Options.EarEntries));
        var registers = new ulong[32];
        registers[10] = registerValue;
        return unit.Seal(state, registers, 0x1000, atEcall: false);
    }
}
