using System.Runtime.CompilerServices;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// RV64A: LR/SC with a single reservation and the AMOs (unprivileged spec chapter 8). With one hart,
/// aq/rl ordering needs no work. Atomics must be naturally aligned and must target DRAM; otherwise they
/// raise address-misaligned or access faults. In a protected region they act on the plaintext in
/// the data cache (SPEC 2.2: plaintext never leaves the chip), needing read (LR) or read and write
/// (SC, AMO) rights in the region's EAR entry.
/// </summary>
public sealed unsafe partial class Hart
{
    private ulong _reservationAddress;
    private bool _reservationValid;

    public ulong LoadReservations { get; private set; }
    public ulong StoreConditionalFailures { get; private set; }

    private StoreOutcome ExecuteAtomic(DecodedOp* d)
    {
        bool word = d->Op is ExecOp.LrW or ExecOp.ScW or ExecOp.AmoswapW or ExecOp.AmoaddW or ExecOp.AmoxorW or
            ExecOp.AmoandW or ExecOp.AmoorW or ExecOp.AmominW or ExecOp.AmomaxW or ExecOp.AmominuW or ExecOp.AmomaxuW;
        int size = word ? 4 : 8;
        ulong va = _x[d->Rs1];
        bool isLoadReserved = d->Op is ExecOp.LrW or ExecOp.LrD;
        var access = isLoadReserved ? AccessType.Load : AccessType.Store;

        // Address breakpoints first (privileged spec table 3.7): an AMO is a load and a store.
        bool isStoreConditional = d->Op is ExecOp.ScW or ExecOp.ScD;
        if (AccessTriggerFires(va, size, load: !isStoreConditional, store: !isLoadReserved)) return StoreOutcome.Trap;
        if ((va & (ulong)(size - 1)) != 0)
        {
            _pendingTrap = new Trap(Misaligned(access), va);
            return StoreOutcome.Trap;
        }

        if (isStoreConditional && !(_reservationValid && _reservationAddress == va))
        {
            // A failed SC writes nothing (and, as in QEMU, does not touch memory at all).
            _reservationValid = false;
            StoreConditionalFailures++;
            _x[d->Rd] = 1;
            return StoreOutcome.Done;
        }

        if (!Translate(va, size, access, va, out ulong pa, out bool writable, out bool readable)) return StoreOutcome.Trap;
        if (!_bus.IsRam(pa, (ulong)size))
        {
            _pendingTrap = new Trap(AccessFault(access), va);
            return StoreOutcome.Trap;
        }
        // In a protected region the atomic works on the plaintext in the data cache, like any other
        // access (an aligned atomic never crosses a line); elsewhere on DRAM.
        int ear = _protectedState is not null ? ProtectedRegion(va) : -1;
        byte* p;
        if (ear >= 0)
        {
            ref var entry = ref _protectedState!.Ear[ear];
            var needed = isLoadReserved ? RegionPermissions.Read : RegionPermissions.Read | RegionPermissions.Write;
            if ((entry.Permissions & needed) != needed)
            {
                _pendingTrap = new Trap(AccessFault(access), va);
                return StoreOutcome.Trap;
            }
            int slot = _protection!.DataCache.Access(pa & ~63UL, Context(entry, va));
            if (slot < 0)
            {
                IntegrityFault(va);
                return StoreOutcome.Trap;
            }
            p = _cacheData + slot * 64 + (int)(pa & 63);
            if (!isLoadReserved) _cacheDirty[slot] = 1;
            FillCachedTlb(va, pa, entry, readable, writable);
        }
        else
        {
            // Plain atomics work on DRAM: a cached copy of the line is written back and dropped first.
            if (CachesPlain(pa)) _protection!.DataCache.Flush(pa & ~63UL, 64, invalidate: true);
            p = HostPointer(pa);
        }
        ulong old = word ? (ulong)(long)Unsafe.ReadUnaligned<int>(p) : Unsafe.ReadUnaligned<ulong>(p);

        if (isLoadReserved)
        {
            if (ear < 0) FillDataTlb(va, pa, readable, writable);
            _reservationAddress = va;
            _reservationValid = true;
            LoadReservations++;
            _x[d->Rd] = old;
            RecordAccess(va, pa, size, old, isWrite: false, onChip: ear >= 0);
            if (ear < 0) ObservePlainAccess(pa, size, old, isWrite: false);
            return StoreOutcome.Done;
        }

        ulong operand = _x[d->Rs2];
        ulong result = d->Op switch
        {
            ExecOp.ScW or ExecOp.ScD or ExecOp.AmoswapW or ExecOp.AmoswapD => operand,
            ExecOp.AmoaddW or ExecOp.AmoaddD => old + operand,
            ExecOp.AmoxorW or ExecOp.AmoxorD => old ^ operand,
            ExecOp.AmoandW or ExecOp.AmoandD => old & operand,
            ExecOp.AmoorW or ExecOp.AmoorD => old | operand,
            ExecOp.AmominW => (int)old < (int)operand ? old : operand,
            ExecOp.AmomaxW => (int)old > (int)operand ? old : operand,
            ExecOp.AmominuW => (uint)old < (uint)operand ? old : operand,
            ExecOp.AmomaxuW => (uint)old > (uint)operand ? old : operand,
            ExecOp.AmominD => (long)old < (long)operand ? old : operand,
            ExecOp.AmomaxD => (long)old > (long)operand ? old : operand,
            ExecOp.AmominuD => old < operand ? old : operand,
            _ => old > operand ? old : operand, // AmomaxuD
        };

        bool endSlice = false;
        if (ear < 0)
        {
            endSlice = InvalidateCode(pa, (ulong)size);
            if (_bus.IsWatchedPage(pa >> Sv39.PageShift))
            {
                _bus.RequestAttention();
                endSlice = true;
            }
        }
        if (word) Unsafe.WriteUnaligned(p, (uint)result);
        else Unsafe.WriteUnaligned(p, result);
        if (ear < 0) FillDataTlb(va, pa, readable, writable);
        RecordAccess(va, pa, size, result, isWrite: true, onChip: ear >= 0);
        if (ear < 0)
        {
            ObservePlainAccess(pa, size, old, isWrite: false);
            ObservePlainAccess(pa, size, result, isWrite: true);
        }

        if (d->Op is ExecOp.ScW or ExecOp.ScD)
        {
            _reservationValid = false;
            _x[d->Rd] = 0;
        }
        else
        {
            _x[d->Rd] = old;
        }
        return endSlice ? StoreOutcome.DoneEndSlice : StoreOutcome.Done;
    }
}
