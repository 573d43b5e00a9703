using Cloak.Chip.Security;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The TRP instructions (SPEC 2.4, docs/isa.md), decoded here and carried out by the protection unit
/// (<see cref="ProtectionUnit"/>: entering from a sealed image, regions and EAR entries, random bytes,
/// the public-key unit, attestation). The hart is only the dispatcher and the operand accessor
/// (<see cref="ITrpCaller"/>): every key operand and result stays in the caller's protected memory (an
/// EAR region), read and written through the cache like any protected access, so no key ever sits in
/// a register or in plaintext outside the chip. Results are a <see cref="TrpStatus"/> in rd; misuse
/// (plain mode, operands outside protected memory) traps.
/// </summary>
public sealed unsafe partial class Hart : ITrpCaller
{
    /// <summary>The largest image (all regions together) trp.enter takes: 256 MiB, as the CLI's program limit.</summary>
    public const ulong MaxImageBytes = ProtectionUnit.MaxImageBytes;

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
            bool entered = Enter(d->Rs1);
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
        var unit = _protection;
        TrpStatus? status = d->Op switch
        {
            ExecOp.TrpHidden => unit.CreateRegion(this, a, b, RegionKind.Hidden),
            ExecOp.TrpPrivate => unit.CreateRegion(this, a, b, RegionKind.Private),
            ExecOp.TrpEarSet => unit.SetEar(this, a),
            ExecOp.TrpEarClear => unit.ClearEar(this, a),
            ExecOp.TrpRandom => ProtectionUnit.RandomFill(this, a, b),
            ExecOp.TrpKeyPair => ProtectionUnit.KeyPair(this, a),
            ExecOp.TrpAgree => ProtectionUnit.Agree(this, a),
            ExecOp.TrpSign => ProtectionUnit.Sign(this, a),
            ExecOp.TrpAttest => unit.Attest(this, a),
            ExecOp.TrpVerifyReport => unit.VerifyReport(this, a),
            _ => ProtectionUnit.Verify(this, a),
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

    /// <summary>
    /// trp.enter: the protection unit checks and converts the sealed image whose header is at the
    /// address in <paramref name="rs1"/>; the hart then runs the new context from the image's entry with
    /// a0 = 1, or reports a refusal in a0 (rd is x0 by encoding). False when it trapped (a page fault:
    /// the unit resumes the entry where it stopped when the instruction runs again).
    /// </summary>
    private bool Enter(int rs1)
    {
        if (!_protection!.Enter(this, _x[rs1], out var outcome)) return false;
        if (outcome.State is not { } state)
        {
            _x[10] = (ulong)outcome.Status;
            _pc += 4;
            return true;
        }
        ActivateProtection(state);
        if (Observer is not null)
            foreach (var e in state.Ear.Entries)
                if (e.Valid) ReportEar(e, added: true);
        _x[10] = 1;
        _pc = outcome.Entry;
        return true;
    }

    /// <summary>Tells the host's observer an EAR entry of the running context appeared or went.</summary>
    private void ReportEar(in EarEntry e, bool added) =>
        Observer?.EarChanged(new EarChange(_protectedState!.ContextId, added, e.Start, e.Length, e.RegionId, e.Kind, e.Permissions, e.KeySlot, e.Instance));

    // ---- operand access (ITrpCaller) -----------------------------------------------------------------

    ProtectedState? ITrpCaller.Caller => _protectedState;

    ulong ITrpCaller.AddressSpace => _satp;

    bool ITrpCaller.ReadProtected(ulong va, Span<byte> destination) => ReadProtected(va, destination);

    bool ITrpCaller.WriteProtected(ulong va, ReadOnlySpan<byte> source) => WriteProtected(va, source);

    bool ITrpCaller.ReadPlain(ulong va, Span<byte> destination) => ReadPlain(va, destination);

    bool ITrpCaller.TryFrame(ulong va, out ulong frame)
    {
        if (!Translate(va, (int)Sv39.PageSize, AccessType.Load, va, out frame, out _, out _)) return false;
        if (_bus.IsRam(frame, Sv39.PageSize)) return true;
        _pendingTrap = new Trap(TrapCause.LoadAccessFault, va);
        return false;
    }

    void ITrpCaller.EarChanged(in EarEntry entry, bool added)
    {
        FlushTlb();
        ReportEar(entry, added);
    }


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
            _protection?.DataCache.Flush(pa, (ulong)n, invalidate: false); // plain lines the process stored through the cache
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
