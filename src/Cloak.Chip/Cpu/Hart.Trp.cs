using System.Buffers.Binary;
using System.Security.Cryptography;
using Cloak.Chip.Security;
using Cloak.Crypto;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The TRP instructions (SPEC 2.4, docs/isa.md): entering encrypted execution from a sealed image,
/// creating regions with chip-generated keys, setting and clearing EAR entries from keys held in
/// protected memory, random bytes, and the public-key unit. Every key operand and result stays in
/// the caller's protected memory (an EAR region), read and written through the cache like any
/// protected access, so no key ever sits in a register or in plaintext outside the chip. Results are
/// a <see cref="TrpStatus"/> in rd; misuse (plain mode, operands outside protected memory) traps.
/// </summary>
public sealed unsafe partial class Hart
{
    private const int MaxTrpMessage = 64 * 1024;

    /// <summary>Runs one TRP instruction at <see cref="_pc"/>; false when it trapped (recorded in <see cref="_pendingTrap"/>).</summary>
    private bool ExecuteTrp(DecodedOp* d)
    {
        if (_protection is null)
        {
            // A chip without the protection unit does not have these instructions.
            _pendingTrap = new Trap(TrapCause.IllegalInstruction, TryFetchInstruction(_pc, out uint bits) ? bits : 0);
            return false;
        }
        _protection.Statistics.TrpInstructions++;
        var operation = Operation(d->Op);
        if (d->Op == ExecOp.TrpMode)
        {
            _x[d->Rd] = _protectedState is null ? 0UL : 1UL;
            _pc += 4;
            Observer?.TrpExecuted(new TrpRecord(operation, _protectedState?.ContextId ?? 0, TrpStatus.Ok));
            return true;
        }
        if (d->Op == ExecOp.TrpEnter)
        {
            bool entered = Enter(_x[d->Rs1]);
            // trp.enter's status is in a0 (0 once the context runs); a page fault restarts it and is not reported.
            if (entered && Observer is { } observer)
                observer.TrpExecuted(new TrpRecord(operation, _protectedState?.ContextId ?? 0, _protectedState is null ? (TrpStatus)(long)_x[10] : TrpStatus.Ok));
            return entered;
        }
        if (d->Op == ExecOp.TrpAttest && _protectedState is null)
        {
            // A plain process has no measurement: refused with a status, not a trap, so a program can ask.
            _x[d->Rd] = (ulong)TrpStatus.NotProtected;
            _pc += 4;
            Observer?.TrpExecuted(new TrpRecord(operation, 0, TrpStatus.NotProtected));
            return true;
        }
        if (_protectedState is null)
        {
            _pendingTrap = new Trap(TrapCause.TrpModeFault, 0);
            Observer?.TrpExecuted(new TrpRecord(operation, 0, TrpStatus.Ok, TrapCause.TrpModeFault));
            return false;
        }
        ulong a = _x[d->Rs1], b = _x[d->Rs2];
        TrpStatus? status = d->Op switch
        {
            ExecOp.TrpHidden => CreateRegion(a, b, RegionKind.Hidden),
            ExecOp.TrpPrivate => CreateRegion(a, b, RegionKind.Private),
            ExecOp.TrpEarSet => EarSet(a),
            ExecOp.TrpEarClear => EarClear(a),
            ExecOp.TrpRandom => RandomFill(a, b),
            ExecOp.TrpKeyPair => KeyPair(a),
            ExecOp.TrpAgree => Agree(a),
            ExecOp.TrpSign => Sign(a),
            ExecOp.TrpAttest => Attest(a),
            ExecOp.TrpVerifyReport => VerifyReport(a),
            _ => Verify(a),
        };
        if (status is null)
        {
            // Page faults on operands restart the instruction; only refusals are the instruction's own outcome.
            if (_pendingTrap.Cause is TrapCause.TrpFault or TrapCause.IntegrityFault)
                Observer?.TrpExecuted(new TrpRecord(operation, _protectedState.ContextId, TrpStatus.Ok, _pendingTrap.Cause));
            return false;
        }
        _x[d->Rd] = (ulong)status.Value;
        _pc += 4;
        Observer?.TrpExecuted(new TrpRecord(operation, _protectedState?.ContextId ?? 0, status.Value));
        return true;
    }

    private static TrpOperation Operation(ExecOp op) => op switch
    {
        ExecOp.TrpEnter => TrpOperation.Enter,
        ExecOp.TrpMode => TrpOperation.Mode,
        ExecOp.TrpHidden => TrpOperation.Hidden,
        ExecOp.TrpPrivate => TrpOperation.Private,
        ExecOp.TrpEarSet => TrpOperation.EarSet,
        ExecOp.TrpEarClear => TrpOperation.EarClear,
        ExecOp.TrpRandom => TrpOperation.Random,
        ExecOp.TrpKeyPair => TrpOperation.KeyPair,
        ExecOp.TrpAgree => TrpOperation.Agree,
        ExecOp.TrpSign => TrpOperation.Sign,
        ExecOp.TrpAttest => TrpOperation.Attest,
        ExecOp.TrpVerifyReport => TrpOperation.VerifyReport,
        _ => TrpOperation.Verify,
    };

    /// <summary>Tells the host's observer an EAR entry of the running context appeared or went.</summary>
    private void ReportEar(in EarEntry e, bool added) =>
        Observer?.EarChanged(new EarChange(_protectedState!.ContextId, added, e.Start, e.Length, e.RegionId, e.Kind, e.Permissions, e.KeySlot, e.Instance));

    private bool Status(TrpStatus status)
    {
        // trp.enter's rd is x0 by encoding; the status goes to a0 so the loader stub can report it.
        _x[10] = (ulong)status;
        _pc += 4;
        return true;
    }

    // ---- regions and EAR entries -----------------------------------------------------------------

    private TrpStatus? CreateRegion(ulong start, ulong length, RegionKind kind)
    {
        if (length == 0 || length > 1UL << 40 || ((start | length) & 0xFFF) != 0) return TrpStatus.BadRegion;
        Span<byte> key = stackalloc byte[KeyTable.KeySize];
        ProtectionUnit.Random(key);
        int slot = _protection!.Keys.Acquire(key);
        CryptographicOperations.ZeroMemory(key);
        if (slot < 0) return TrpStatus.KeyTableFull;
        var status = _protectedState!.Ear.TryAdd(new EarEntry
        {
            Start = start, Length = length, KeySlot = slot, Kind = kind, RegionId = _protection.NewRegionId(),
            Permissions = RegionPermissions.Read | RegionPermissions.Write, FreshIsZero = true,
        }, out int index);
        status = TakeRoot(status, index, slot);
        FlushTlb();
        return status;
    }

    /// <summary>EAR descriptor: u64 start, u64 length, u32 region id, u8 kind, u8 permissions, u8 flags (bit 0: fresh lines read as zero), u8 0, key[32].</summary>
    internal const int EarDescriptorSize = 56;

    private TrpStatus? EarSet(ulong descriptor)
    {
        Span<byte> d = stackalloc byte[EarDescriptorSize];
        try
        {
            if (!ReadProtected(descriptor, d)) return null;
            var kind = (RegionKind)d[20];
            var permissions = (RegionPermissions)d[21];
            if (kind > RegionKind.Notification || permissions == 0 || (permissions & ~(RegionPermissions.Read | RegionPermissions.Write | RegionPermissions.Execute)) != 0)
                return TrpStatus.BadDescriptor;
            int slot = _protection!.Keys.Acquire(d[24..]);
            if (slot < 0) return TrpStatus.KeyTableFull;
            var status = _protectedState!.Ear.TryAdd(new EarEntry
            {
                Start = BinaryPrimitives.ReadUInt64LittleEndian(d), Length = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]),
                RegionId = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]), Kind = kind, Permissions = permissions,
                FreshIsZero = (d[22] & 1) != 0, KeySlot = slot,
            }, out int index);
            status = TakeRoot(status, index, slot);
            FlushTlb();
            return status;
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
    private TrpStatus TakeRoot(TrpStatus status, int index, int slot)
    {
        var ear = _protectedState!.Ear;
        if (status == TrpStatus.Ok && !_protection!.OpenRegion(_protectedState.ContextId, slot, ear[index].RegionId, ear[index].Instance))
        {
            ear.Clear(index);
            status = TrpStatus.RegionTableFull;
        }
        if (status != TrpStatus.Ok) _protection!.Keys.Release(slot);
        else ReportEar(ear[index], added: true);
        return status;
    }

    private TrpStatus? EarClear(ulong start)
    {
        var ear = _protectedState!.Ear;
        int index = ear.IndexStartingAt(start);
        if (index < 0) return TrpStatus.NoSuchRegion;
        int slot = ear[index].KeySlot;
        _protection!.CloseRegion(_protectedState.ContextId, slot, ear[index].RegionId, ear[index].Instance);
        ReportEar(ear[index], added: false);
        ear.Clear(index);
        bool stillUsed = false;
        foreach (var e in ear.Entries) stillUsed |= e.Valid && e.KeySlot == slot;
        // The region becomes plain memory: its cached plaintext goes back to DRAM as ciphertext now.
        if (!stillUsed) _protection!.DataCache.FlushKey(slot);
        _protection!.Keys.Release(slot);
        FlushTlb();
        return TrpStatus.Ok;
    }

    private TrpStatus? RandomFill(ulong address, ulong length)
    {
        if (length > 4096) return TrpStatus.BadDescriptor;
        Span<byte> bytes = stackalloc byte[(int)length];
        ProtectionUnit.Random(bytes);
        bool ok = WriteProtected(address, bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return ok ? TrpStatus.Ok : null;
    }

    // ---- the public-key unit --------------------------------------------------------------------

    /// <summary>Key-pair descriptor: u32 algorithm (1 = P-256), u32 0, u64 private out (32 bytes), u64 public out (64 bytes).</summary>
    private TrpStatus? KeyPair(ulong descriptor)
    {
        Span<byte> d = stackalloc byte[24];
        if (!ReadProtected(descriptor, d)) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(d) != 1) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> publicKey = stackalloc byte[P256.PublicKeySize];
        try
        {
            P256.GenerateKeyPair(privateKey, publicKey);
            if (!WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), privateKey)) return null;
            if (!WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), publicKey)) return null;
            return TrpStatus.Ok;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Agreement descriptor: u64 private key, u64 peer public key, u64 info, u64 info length, u64 key out, u64 key length (1-64).</summary>
    private TrpStatus? Agree(ulong descriptor)
    {
        Span<byte> d = stackalloc byte[48];
        if (!ReadProtected(descriptor, d)) return null;
        ulong infoLength = BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), keyLength = BinaryPrimitives.ReadUInt64LittleEndian(d[40..]);
        if (infoLength > 4096 || keyLength is 0 or > 64) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> peer = stackalloc byte[P256.PublicKeySize];
        Span<byte> shared = stackalloc byte[32];
        Span<byte> key = stackalloc byte[(int)keyLength];
        var info = new byte[infoLength];
        try
        {
            if (!ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), privateKey) ||
                !ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), peer) ||
                !ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), info)) return null;
            if (!P256.TryAgree(privateKey, peer, shared)) return TrpStatus.BadKey;
            Hkdf.DeriveKey(shared, [], info, key);
            return WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[32..]), key) ? TrpStatus.Ok : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Signing descriptor: u64 private key, u64 message, u64 message length, u64 signature out (64 bytes).</summary>
    private TrpStatus? Sign(ulong descriptor)
    {
        Span<byte> d = stackalloc byte[32];
        if (!ReadProtected(descriptor, d)) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
        if (length > MaxTrpMessage) return TrpStatus.BadDescriptor;
        Span<byte> privateKey = stackalloc byte[P256.PrivateKeySize];
        Span<byte> signature = stackalloc byte[P256.SignatureSize];
        var message = new byte[length];
        try
        {
            if (!ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), privateKey) ||
                !ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), message)) return null;
            if (!P256.TrySign(privateKey, message, signature)) return TrpStatus.BadKey;
            return WriteProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), signature) ? TrpStatus.Ok : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Verification descriptor: u64 public key, u64 message, u64 message length, u64 signature (64 bytes).</summary>
    private TrpStatus? Verify(ulong descriptor)
    {
        Span<byte> d = stackalloc byte[32];
        if (!ReadProtected(descriptor, d)) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
        if (length > MaxTrpMessage) return TrpStatus.BadDescriptor;
        Span<byte> publicKey = stackalloc byte[P256.PublicKeySize];
        Span<byte> signature = stackalloc byte[P256.SignatureSize];
        var message = new byte[length];
        if (!ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d), publicKey) ||
            !ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[8..]), message) ||
            !ReadProtected(BinaryPrimitives.ReadUInt64LittleEndian(d[24..]), signature)) return null;
        return P256.Verify(publicKey, message, signature) ? TrpStatus.Ok : TrpStatus.BadSignature;
    }

    // ---- operand access ---------------------------------------------------------------------------

    /// <summary>Reads user memory through translation as a plain access (trp.enter's image).</summary>
    private bool ReadPlain(ulong va, Span<byte> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            ulong at = va + (ulong)done;
            int n = (int)Math.Min((ulong)(destination.Length - done), 4096 - (at & 0xFFF));
            if (!Translate(at, n, AccessType.Load, at, out ulong pa, out _, out _)) return false;
            if (!_bus.IsRam(pa, (ulong)n))
            {
                _pendingTrap = new Trap(TrapCause.LoadAccessFault, at);
                return false;
            }
            _bus.Dram.ReadRaw(pa, destination.Slice(done, n));
            done += n;
        }
        return true;
    }

    /// <summary>Reads a TRP operand: every byte must lie in a readable EAR region of the caller.</summary>
    private bool ReadProtected(ulong va, Span<byte> destination) => MoveProtected(va, destination, write: false);

    /// <summary>Writes a TRP result: every byte must lie in a writable EAR region of the caller.</summary>
    private bool WriteProtected(ulong va, ReadOnlySpan<byte> source)
    {
        fixed (byte* p = source) return MoveProtected(va, new Span<byte>(p, source.Length), write: true);
    }

    private bool MoveProtected(ulong va, Span<byte> buffer, bool write)
    {
        var needed = write ? RegionPermissions.Write : RegionPermissions.Read;
        for (int done = 0; done < buffer.Length;)
        {
            ulong at = va + (ulong)done;
            int ear = _protectedState!.Ear.Lookup(at);
            if (ear < 0 || (_protectedState.Ear[ear].Permissions & needed) == 0)
            {
                _pendingTrap = new Trap(TrapCause.TrpFault, at);
                return false;
            }
            int n = (int)Math.Min((ulong)(buffer.Length - done), 64 - (at & 63));
            if (!Translate(at, n, write ? AccessType.Store : AccessType.Load, at, out ulong pa, out _, out _)) return false;
            if (!_bus.IsRam(pa, 1))
            {
                _pendingTrap = new Trap(write ? TrapCause.StoreAccessFault : TrapCause.LoadAccessFault, at);
                return false;
            }
            int slot = _protection!.DataCache.Access(pa & ~63UL, Context(_protectedState.Ear[ear], at));
            if (slot < 0) return IntegrityFault(at);
            var cached = new Span<byte>(_cacheData + slot * 64 + (int)(pa & 63), n);
            if (write)
            {
                buffer.Slice(done, n).CopyTo(cached);
                _cacheDirty[slot] = 1;
            }
            else
            {
                cached.CopyTo(buffer.Slice(done, n));
            }
            done += n;
        }
        return true;
    }
}
