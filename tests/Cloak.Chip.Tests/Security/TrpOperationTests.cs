using System.Buffers.Binary;
using Cloak.Chip.Security;
using Cloak.Crypto;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Tests.Security;

/// <summary>
/// Issue 8 item 2: the TRP operations live in the protection unit and reach the caller only through
/// the hart's operand accessor (<see cref="ITrpCaller"/>). These tests drive them with an accessor of
/// their own whose "protected memory" is a few byte ranges, so what an operation reads and writes, and
/// through which door, is visible.
/// </summary>
public sealed class TrpOperationTests
{
    private sealed class FakeCaller(ProtectedState? state) : ITrpCaller
    {
        private readonly Dictionary<ulong, byte[]> _protected = [];
        public List<string> Calls { get; } = [];

        public ProtectedState? Caller => state;
        public ulong AddressSpace => 0x8000_0000_0008_0001;

        /// <summary>Makes [start, start + length) part of the caller's protected memory.</summary>
        public void Protect(ulong start, int length) => _protected[start] = new byte[length];

        public Span<byte> At(ulong va, int length)
        {
            foreach (var (start, bytes) in _protected)
                if (va >= start && va + (ulong)length <= start + (ulong)bytes.Length)
                    return bytes.AsSpan((int)(va - start), length);
            return Span<byte>.Empty;
        }

        private bool Inside(ulong va, int length) => length == 0 || !At(va, length).IsEmpty;

        public bool ReadProtected(ulong va, Span<byte> destination)
        {
            Calls.Add($"read {va:x}+{destination.Length}");
            if (!Inside(va, destination.Length)) return false; // the hart would hold a TRP fault
            At(va, destination.Length).CopyTo(destination);
            return true;
        }

        public bool WriteProtected(ulong va, ReadOnlySpan<byte> source)
        {
            Calls.Add($"write {va:x}+{source.Length}");
            if (!Inside(va, source.Length)) return false;
            source.CopyTo(At(va, source.Length));
            return true;
        }

        public bool ReadPlain(ulong va, Span<byte> destination)
        {
            Calls.Add($"plain {va:x}+{destination.Length}");
            return false;
        }

        public bool TryFrame(ulong va, out ulong frame)
        {
            Calls.Add($"frame {va:x}");
            frame = 0;
            return false;
        }

        public void EarChanged(in EarEntry entry, bool added) => Calls.Add($"ear {(added ? "added" : "cleared")} {entry.Start:x}");
    }

    private static ProtectionUnit Unit() =>
        new(ChipIdentity.Generate(), new SecurityOptions { Mode = MemoryProtectionMode.Confidentiality }, new Dram(0x8000_0000, 1 << 20));

    private static ProtectedState State(uint context = 7) => new(context, new byte[32], debuggable: false, new EarTable(8));

    /// <summary>A key-pair descriptor at 0x1000 asking for the private key at 0x1100 and the public key at 0x1200.</summary>
    private static FakeCaller KeyPairCaller(ulong privateOut = 0x1100)
    {
        var caller = new FakeCaller(State());
        caller.Protect(0x1000, 0x300);
        var d = caller.At(0x1000, 24);
        BinaryPrimitives.WriteUInt32LittleEndian(d, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(d[8..], privateOut);
        BinaryPrimitives.WriteUInt64LittleEndian(d[16..], 0x1200);
        return caller;
    }

    [Fact]
    public void A_key_pair_goes_only_into_the_callers_protected_memory_and_its_halves_match()
    {
        var caller = KeyPairCaller();

        Assert.Equal(TrpStatus.Ok, ProtectionUnit.KeyPair(caller, 0x1000));

        Span<byte> derived = stackalloc byte[P256.PublicKeySize];
        Assert.True(P256.TryDerivePublicKey(caller.At(0x1100, P256.PrivateKeySize), derived));
        Assert.True(derived.SequenceEqual(caller.At(0x1200, P256.PublicKeySize)));
        Assert.Equal(["read 1000+24", "write 1100+32", "write 1200+64"], caller.Calls);
    }

    [Fact]
    public void A_result_address_outside_protected_memory_ends_the_operation_with_no_status()
    {
        var caller = KeyPairCaller(privateOut: 0x9000);

        Assert.Null(ProtectionUnit.KeyPair(caller, 0x1000));
        Assert.Equal(["read 1000+24", "write 9000+32"], caller.Calls);
    }

    [Fact]
    public void Two_callers_agree_on_one_key_each_reading_the_peers_public_key_from_its_own_memory()
    {
        var alice = KeyPairCaller();
        var bob = KeyPairCaller();
        Assert.Equal(TrpStatus.Ok, ProtectionUnit.KeyPair(alice, 0x1000));
        Assert.Equal(TrpStatus.Ok, ProtectionUnit.KeyPair(bob, 0x1000));
        alice.At(0x1200, 64).CopyTo(bob.At(0x1280, 64));
        bob.At(0x1200, 64).CopyTo(alice.At(0x1280, 64));

        foreach (var side in new[] { alice, bob })
        {
            // Agreement descriptor at 0x1040: own private key, peer's public key, no info, 32-byte key out at 0x12c0.
            var d = side.At(0x1040, 48);
            BinaryPrimitives.WriteUInt64LittleEndian(d, 0x1100);
            BinaryPrimitives.WriteUInt64LittleEndian(d[8..], 0x1280);
            BinaryPrimitives.WriteUInt64LittleEndian(d[16..], 0x1000);
            BinaryPrimitives.WriteUInt64LittleEndian(d[24..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(d[32..], 0x12c0);
            BinaryPrimitives.WriteUInt64LittleEndian(d[40..], 32);
            Assert.Equal(TrpStatus.Ok, ProtectionUnit.Agree(side, 0x1040));
        }

        Assert.True(alice.At(0x12c0, 32).SequenceEqual(bob.At(0x12c0, 32)));
        Assert.False(alice.At(0x12c0, 32).SequenceEqual(new byte[32]));
    }

    [Fact]
    public void Trp_enter_from_a_protected_caller_is_refused_before_the_unit_reads_anything()
    {
        using var unit = Unit();
        var caller = new FakeCaller(State());

        Assert.True(unit.Enter(caller, 0x4000, out var outcome));

        Assert.Equal(TrpStatus.AlreadyProtected, outcome.Status);
        Assert.Null(outcome.State);
        Assert.Empty(caller.Calls);
    }

    [Fact]
    public void Trp_enter_that_cannot_read_the_header_leaves_the_trap_to_the_hart()
    {
        using var unit = Unit();
        var caller = new FakeCaller(state: null);

        Assert.False(unit.Enter(caller, 0x4000, out _));
        Assert.Equal(["plain 4000+" + Cloak.Sealing.SealedImageHeader.FixedHeaderSize], caller.Calls);
    }

    [Fact]
    public void A_region_made_and_cleared_tells_the_hart_both_times_and_gives_its_key_slot_back()
    {
        using var unit = Unit();
        var state = State();
        var caller = new FakeCaller(state);

        Assert.Equal(TrpStatus.Ok, unit.CreateRegion(caller, 0x20_0000, 0x4000, RegionKind.Hidden));
        int slot = state.Ear[state.Ear.IndexStartingAt(0x20_0000)].KeySlot;
        Assert.Equal(1, unit.Keys.ReferencesOf(slot));
        Assert.Equal(TrpStatus.Ok, unit.ClearEar(caller, 0x20_0000));

        Assert.Equal(["ear added 200000", "ear cleared 200000"], caller.Calls);
        Assert.Equal(0, unit.Keys.ReferencesOf(slot));
        Assert.Equal(TrpStatus.NoSuchRegion, unit.ClearEar(caller, 0x20_0000));
    }

    [Fact]
    public void A_region_that_is_not_page_aligned_is_refused_without_taking_a_key_slot()
    {
        using var unit = Unit();
        var caller = new FakeCaller(State());
        int occupied = unit.Keys.Occupied;

        Assert.Equal(TrpStatus.BadRegion, unit.CreateRegion(caller, 0x20_0010, 0x4000, RegionKind.Private));
        Assert.Equal(occupied, unit.Keys.Occupied);
        Assert.Empty(caller.Calls);
    }
}
