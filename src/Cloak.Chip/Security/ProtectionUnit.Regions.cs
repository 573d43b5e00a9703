using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Isa;

namespace Cloak.Chip.Security;

/// <summary>
/// trp.hidden, trp.private, trp.earset and trp.earclear (SPEC 2.4, claims 1-5): regions with
/// chip-generated keys and EAR entries set from keys held in the caller's protected memory. Threat: the
/// OS sees every address the caller names; the keys never leave the chip (generated here, read from and
/// written to protected memory only, zeroed after use), and every entry is bound to the caller's
/// context, its key slot and, in authenticated mode, an integrity root the chip holds.
/// </summary>
internal sealed partial class ProtectionUnit
{
    /// <summary>EAR descriptor: u64 start, u64 length, u32 region id, u8 kind, u8 permissions, u8 flags (bit 0: fresh lines read as zero), u8 0, key[32].</summary>
    internal const int EarDescriptorSize = 56;

    /// <summary>trp.hidden / trp.private: a region of <paramref name="length"/> bytes at <paramref name="start"/> under a fresh key.</summary>
    public TrpStatus? CreateRegion(ITrpCaller caller, ulong start, ulong length, RegionKind kind)
    {
        if (length == 0 || length > 1UL << 40 || ((start | length) & 0xFFF) != 0) return TrpStatus.BadRegion;
        Span<byte> key = stackalloc byte[KeyTable.KeySize];
        Random(key);
        int slot = Keys.Acquire(key);
        CryptographicOperations.ZeroMemory(key);
        if (slot < 0) return TrpStatus.KeyTableFull;
        var status = caller.Caller!.Ear.TryAdd(new EarEntry
        {
            Start = start, Length = length, KeySlot = slot, Kind = kind, RegionId = NewRegionId(),
            Permissions = RegionPermissions.Read | RegionPermissions.Write, FreshIsZero = true,
        }, out int index);
        return KeepEntry(caller, status, index, slot);
    }

    /// <summary>trp.earset: an EAR entry from a descriptor (key included) in the caller's protected memory.</summary>
    public TrpStatus? SetEar(ITrpCaller caller, ulong descriptor)
    {
        Span<byte> d = stackalloc byte[EarDescriptorSize];
        try
        {
            if (!caller.ReadProtected(descriptor, d)) return null;
            var kind = (RegionKind)d[20];
            var permissions = (RegionPermissions)d[21];
            if (kind > RegionKind.Notification || permissions == 0 || (permissions & ~(RegionPermissions.Read | RegionPermissions.Write | RegionPermissions.Execute)) != 0)
                return TrpStatus.BadDescriptor;
            int slot = Keys.Acquire(d[24..]);
            if (slot < 0) return TrpStatus.KeyTableFull;
            var status = caller.Caller!.Ear.TryAdd(new EarEntry
            {
                Start = BinaryPrimitives.ReadUInt64LittleEndian(d), Length = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]),
                RegionId = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]), Kind = kind, Permissions = permissions,
                FreshIsZero = (d[22] & 1) != 0, KeySlot = slot,
            }, out int index);
            return KeepEntry(caller, status, index, slot);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// After an EAR entry was added (<paramref name="status"/> Ok): the region's integrity root in
    /// authenticated mode, else the entry is taken back. Either way the key slot's reference goes if
    /// the entry does not stay.
    /// </summary>
    private TrpStatus KeepEntry(ITrpCaller caller, TrpStatus status, int index, int slot)
    {
        var state = caller.Caller!;
        if (status == TrpStatus.Ok && !OpenRegion(state.ContextId, slot, state.Ear[index].RegionId, state.Ear[index].Instance))
        {
            state.Ear.Clear(index);
            status = TrpStatus.RegionTableFull;
        }
        if (status != TrpStatus.Ok) Keys.Release(slot);
        else caller.EarChanged(state.Ear[index], added: true);
        return status;
    }

    /// <summary>trp.earclear: the caller's EAR entry starting at <paramref name="start"/> goes; the region becomes plain memory.</summary>
    public TrpStatus? ClearEar(ITrpCaller caller, ulong start)
    {
        var state = caller.Caller!;
        int index = state.Ear.IndexStartingAt(start);
        if (index < 0) return TrpStatus.NoSuchRegion;
        var entry = state.Ear[index];
        CloseRegion(state.ContextId, entry.KeySlot, entry.RegionId, entry.Instance);
        state.Ear.Clear(index);
        bool stillUsed = false;
        foreach (var e in state.Ear.Entries) stillUsed |= e.Valid && e.KeySlot == entry.KeySlot;
        // The region becomes plain memory: its cached plaintext goes back to DRAM as ciphertext now.
        if (!stillUsed) DataCache.FlushKey(entry.KeySlot);
        Keys.Release(entry.KeySlot);
        caller.EarChanged(entry, added: false);
        return TrpStatus.Ok;
    }
}
