using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloak.Chip.Memory;
using Cloak.Isa;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The hart's side of the memory path: translation (Sv39 via <see cref="PageTableWalker"/>), the instruction and
/// data TLBs, and the loads, stores and fetches that miss them. A TLB entry caches a page's
/// translation, its permissions (as which tags are valid) and where the page's bytes live on the host,
/// so a hit costs one compare. Pages that must not take the fast path (devices, watched HTIF pages,
/// pages holding decoded code for stores) simply never get the corresponding tag.
/// See docs/memory-access-flow.md for the order of checks and where each fault is raised.
/// </summary>
public sealed unsafe partial class Hart
{
    internal const ulong PageOffsetMask = 0xFFF, PageHighMask = ~PageOffsetMask;
    private const ulong InvalidTag = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    internal struct DataTlbEntry
    {
        public ulong ReadTag;     // virtual page base if loads may go straight to DRAM (plain memory)
        public ulong WriteTag;    // virtual page base if stores may go straight to DRAM (plain memory)
        public long HostOffset;   // host address = virtual address + HostOffset
        public ulong PhysicalPage;
        public ulong CachedReadTag;   // virtual page base if loads may hit the data cache (protected memory)
        public ulong CachedWriteTag;  // virtual page base if stores may hit the data cache (protected memory)
        public int* LineMap;          // line number -> data-cache slot (-1: not cached) for this page and key
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct FetchTlbEntry
    {
        public ulong Tag;
        public DecodedOp* Page;   // decoded-instruction slots of the physical page
        public long HostOffset;
        public ulong PhysicalPage;
    }

    private DataTlbEntry[] _dtlbArray = null!;
    private FetchTlbEntry[] _itlbArray = null!;
    private DataTlbEntry* _dtlb;
    private FetchTlbEntry* _itlb;
    private ulong _tlbMask;
    private DecodedPage?[] _decodedPages = null!;
    /// <summary>Decoded pages per key slot (index 0: plain code), so a key-table eviction scans the pages only when the key has any.</summary>
    private int[] _decodedPagesByKey = new int[1];
    private bool _fastPathEnabled = true;

    // The page the executor is running from: holding it keeps its pinned slots alive even if a
    // write drops it from the decode cache mid-slice (every such write also ends the slice).
    private DecodedPage? _currentPage;

    /// <summary>Memory-path statistics.</summary>
    /// <summary>Translations that missed the TLBs and walked the page table.</summary>
    public ulong PageWalks { get; private set; }
    public ulong DecodedPagesBuilt { get; private set; }

    private void InitializeMemoryPath()
    {
        int entries = _options.TlbEntries;
        _dtlbArray = GC.AllocateArray<DataTlbEntry>(entries, pinned: true);
        _itlbArray = GC.AllocateArray<FetchTlbEntry>(entries, pinned: true);
        _dtlb = (DataTlbEntry*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_dtlbArray));
        _itlb = (FetchTlbEntry*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_itlbArray));
        _tlbMask = (ulong)entries - 1;
        _decodedPages = new DecodedPage?[_bus.Dram.Size >> Sv39.PageShift];
        _bus.Dram.Written += (address, length) => InvalidateCode(address, length);
        _bus.WatchAdded += page =>
        {
            for (int i = 0; i <= (int)_tlbMask; i++)
                if (_dtlb[i].PhysicalPage == page) _dtlb[i].WriteTag = _dtlb[i].CachedWriteTag = _dtlb[i].CachedReadTag = InvalidTag;
            // The host reads and writes a watched page in DRAM: no plain copy of it may stay on chip.
            _protection?.DataCache.Flush(page << Sv39.PageShift, Sv39.PageSize, invalidate: true);
        };
    }

    /// <summary>Drops every cached translation (sfence.vma, satp writes, privilege changes).</summary>
    public void FlushTlb()
    {
        FlushDataTlb();
        for (int i = 0; i <= (int)_tlbMask; i++) _itlb[i].Tag = InvalidTag;
    }

    private void FlushDataTlb()
    {
        for (int i = 0; i <= (int)_tlbMask; i++)
        {
            _dtlb[i].ReadTag = InvalidTag;
            _dtlb[i].WriteTag = InvalidTag;
            _dtlb[i].CachedReadTag = InvalidTag;
            _dtlb[i].CachedWriteTag = InvalidTag;
        }
    }

    /// <summary>
    /// When false, no access takes the fast path, so every access is seen by the slow path (tracing).
    /// </summary>
    internal bool FastPathEnabled
    {
        get => _fastPathEnabled;
        set
        {
            _fastPathEnabled = value;
            FlushTlb();
        }
    }

    /// <summary>The privilege loads and stores run at: mstatus.MPP when MPRV is set in M-mode.</summary>
    private Privilege DataPrivilege =>
        _privilege == Privilege.Machine && (_mstatus & MstatusMprv) != 0
            ? (Privilege)((_mstatus & MstatusMpp) >> MstatusMppShift)
            : _privilege;

    private bool Translates(Privilege privilege) => privilege == Privilege.User && Sv39.SatpMode(_satp) == Sv39.SatpModeSv39;

    /// <summary>
    /// Virtual to physical for one access of <paramref name="size"/> bytes, then the PMP check. On
    /// failure records the page or access fault in <see cref="_pendingTrap"/> (tval =
    /// <paramref name="faultAddress"/>). <paramref name="readable"/> and <paramref name="writable"/>
    /// say what a TLB entry may cache for the whole page: page table and PMP rights together.
    /// </summary>
    private bool Translate(ulong va, int size, AccessType access, ulong faultAddress, out ulong pa, out bool writable, out bool readable)
    {
        var privilege = access == AccessType.Fetch ? _privilege : DataPrivilege;
        if (!Translates(privilege))
        {
            pa = va;
            writable = readable = true;
        }
        else
        {
            PageWalks++;
            var result = PageTableWalker.Walk(_bus.Dram, _satp, va, access, userMode: true, out _, _pmp);
            if (!result.Ok)
            {
                pa = 0;
                writable = readable = false;
                _pendingTrap = new Trap(result.AccessFault ? AccessFault(access) : PageFault(access), faultAddress);
                return false;
            }
            pa = result.PhysicalAddress;
            readable = (result.PteFlags & Pte.Read) != 0;
            writable = (result.PteFlags & (Pte.Write | Pte.Dirty)) == (Pte.Write | Pte.Dirty);
        }
        if (!PmpApplies(privilege)) return true;

        // Physical memory protection (privileged spec 3.7.1) on the physical address.
        var needed = Needed(access);
        bool machine = privilege == Privilege.Machine;
        bool allowed;
        if (_pmp.PageRights(pa & PageHighMask, machine) is { } page)
        {
            allowed = (page & needed) != 0;
            readable &= (page & PmpRights.Read) != 0;
            writable &= (page & PmpRights.Write) != 0;
        }
        else
        {
            // An entry boundary falls inside the page: no TLB entry, every access is checked alone.
            allowed = _pmp.Allows(pa, (ulong)size, needed, machine);
            readable = writable = false;
        }
        if (allowed) return true;
        _pendingTrap = new Trap(AccessFault(access), faultAddress);
        return false;
    }

    /// <summary>PMP checks U-mode always, M-mode only when an entry is active (an unlocked one can still refuse a partial match).</summary>
    private bool PmpApplies(Privilege privilege) => privilege != Privilege.Machine || _pmp.AnyActive;

    private static PmpRights Needed(AccessType access) => access switch
    {
        AccessType.Fetch => PmpRights.Execute,
        AccessType.Load => PmpRights.Read,
        _ => PmpRights.Write, // stores and AMOs (W implies R: R = 0, W = 1 is not a legal pmpcfg)
    };

    private static TrapCause PageFault(AccessType access) => access switch
    {
        AccessType.Fetch => TrapCause.InstructionPageFault,
        AccessType.Load => TrapCause.LoadPageFault,
        _ => TrapCause.StorePageFault,
    };

    private static TrapCause AccessFault(AccessType access) => access switch
    {
        AccessType.Fetch => TrapCause.InstructionAccessFault,
        AccessType.Load => TrapCause.LoadAccessFault,
        _ => TrapCause.StoreAccessFault,
    };

    private static TrapCause Misaligned(AccessType access) =>
        access == AccessType.Load ? TrapCause.LoadAddressMisaligned : TrapCause.StoreAddressMisaligned;

    private byte* HostPointer(ulong pa) => _bus.Dram.Pointer + (pa - _bus.Dram.BaseAddress);

    private void FillDataTlb(ulong va, ulong pa, bool readable, bool writable)
    {
        if (!_fastPathEnabled || !_bus.IsRam(pa & PageHighMask, Sv39.PageSize)) return;
        WithoutWatchedPages(va, ref readable, ref writable);
        ref var e = ref _dtlb[(va >> Sv39.PageShift) & _tlbMask];
        ulong physicalPage = pa >> Sv39.PageShift;
        if (CachesPlain(pa))
        {
            // Plain lines of this page live in the data cache: the fast path hits them there, as it does protected lines.
            ulong page = va & PageHighMask;
            e.ReadTag = e.WriteTag = InvalidTag;
            e.PhysicalPage = physicalPage;
            e.LineMap = _protection!.DataCache.MapFor(DataCache.PageKey.Of(physicalPage << 6, DataCache.PlainContext(pa & PageHighMask))).Pointer;
            e.CachedReadTag = readable ? page : InvalidTag;
            e.CachedWriteTag = writable && !IsCodePage(physicalPage) ? page : InvalidTag;
            return;
        }
        e.HostOffset = (long)HostPointer(pa & PageHighMask) - (long)(va & PageHighMask);
        e.PhysicalPage = physicalPage;
        e.ReadTag = readable ? va & PageHighMask : InvalidTag;
        e.CachedReadTag = e.CachedWriteTag = InvalidTag;
        e.WriteTag = writable && !IsCodePage(physicalPage) && !_bus.IsWatchedPage(physicalPage) ? va & PageHighMask : InvalidTag;
    }

    private bool IsCodePage(ulong physicalPage) => _decodedPages[physicalPage - (_bus.Dram.BaseAddress >> Sv39.PageShift)] is not null;

    /// <summary>
    /// Plain data of user processes under an OS model goes through the data cache like protected data
    /// (so the timing model charges plain and protected runs alike: docs/cost-model.md). Not for pages
    /// the host watches (HTIF), not while a bus tap must see every plain access, and not in M or S mode
    /// or on bare metal, where guest code and the page-table walker read DRAM directly.
    /// </summary>
    private bool CachesPlain(ulong pa) =>
        _protection is not null && _options.HostHandlesTraps && !_busTapped && DataPrivilege == Privilege.User && !_bus.IsWatchedPage(pa >> Sv39.PageShift);

    /// <summary>A plain load or store through the data cache (the line is filled from DRAM on a miss).</summary>
    private byte* PlainCachedPointer(ulong pa, bool write)
    {
        var cache = _protection!.DataCache;
        int slot = cache.Access(pa & ~63UL, DataCache.PlainContext(pa));
        if (write) _cacheDirty[slot] = 1;
        return _cacheData + slot * 64 + (int)(pa & 63);
    }

    /// <summary>
    /// Loads and stores of a page a load or store trigger watches never take the TLB fast path (an
    /// aligned access on the fast path never leaves its page, so the trigger's own page is enough).
    /// </summary>
    private void WithoutWatchedPages(ulong va, ref bool readable, ref bool writable)
    {
        if (!_triggers.LoadArmed && !_triggers.StoreArmed) return;
        ulong page = va & PageHighMask;
        if (_triggers.Watches(page, execute: false, load: true, store: false)) readable = false;
        if (_triggers.Watches(page, execute: false, load: false, store: true)) writable = false;
    }

    /// <summary>A load or store trigger that fires for this access (privileged spec table 3.7: before its other exceptions).</summary>
    private bool AccessTriggerFires(ulong va, int size, bool load, bool store)
    {
        if (!(load && _triggers.LoadArmed || store && _triggers.StoreArmed) || _protectedState is not null ||
            !_triggers.MatchesAccess(va, size, load, store, _privilege)) return false;
        _pendingTrap = new Trap(TrapCause.Breakpoint, 0); // mtval 0, as QEMU 7.2
        return true;
    }

    /// <summary>A load that missed the data TLB, is misaligned, or targets a device.</summary>
    private bool LoadSlow(ulong va, int size, out ulong value)
    {
        value = 0;
        return !AccessTriggerFires(va, size, load: true, store: false) && LoadAccess(va, size, out value);
    }

    /// <summary>The load itself (parts of a split access come back here, past the triggers).</summary>
    private bool LoadAccess(ulong va, int size, out ulong value)
    {
        value = 0;
        if ((va & (ulong)(size - 1)) != 0)
        {
            if (_options.MisalignedAccess == MisalignedAccessPolicy.Trap)
            {
                _pendingTrap = new Trap(TrapCause.LoadAddressMisaligned, va);
                return false;
            }
            if ((va & PageOffsetMask) + (ulong)size > Sv39.PageSize)
            {
                // Split at the page boundary. Both pages are checked first; a fault in the second
                // reports that page's first address in mtval, as QEMU does.
                ulong secondPage = (va & PageHighMask) + Sv39.PageSize;
                ulong firstLength = Sv39.PageSize - (va & PageOffsetMask);
                if (!Translate(va, (int)firstLength, AccessType.Load, va, out ulong firstPa, out _, out _) ||
                    !Translate(secondPage, size - (int)firstLength, AccessType.Load, secondPage, out ulong secondPa, out _, out _)) return false;
                if (!_bus.IsRam(firstPa, firstLength) || !_bus.IsRam(secondPa, (ulong)size - firstLength))
                {
                    _pendingTrap = new Trap(TrapCause.LoadAccessFault, _bus.IsRam(firstPa, firstLength) ? secondPage : va);
                    return false;
                }
                for (int i = 0; i < size; i++)
                {
                    if (!LoadAccess(va + (ulong)i, 1, out ulong b)) return false;
                    value |= b << (8 * i);
                }
                return true;
            }
        }
        if (!Translate(va, size, AccessType.Load, va, out ulong pa, out bool writable, out bool readable)) return false;
        if (_protectedState is not null && ProtectedRegion(va) is int ear and >= 0)
            return ProtectedLoad(va, pa, size, ear, readable, writable, out value);
        if (_bus.IsRam(pa, (ulong)size))
        {
            if (CachesPlain(pa) && (pa & 63) + (ulong)size > 64)
                return LoadBytes(va, size, out value); // crosses a cache line: each byte finds its own
            FillDataTlb(va, pa, readable, writable);
            value = ReadHost(CachesPlain(pa) ? PlainCachedPointer(pa, write: false) : HostPointer(pa), size);
            RecordAccess(va, pa, size, value, isWrite: false);
            ObservePlainAccess(pa, size, value, isWrite: false);
            return true;
        }
        if ((va & (ulong)(size - 1)) != 0 || !_bus.TryRead(pa, size, out value))
        {
            _pendingTrap = new Trap(TrapCause.LoadAccessFault, va);
            return false;
        }
        RecordAccess(va, pa, size, value, isWrite: false);
        return true;
    }

    private enum StoreOutcome { Trap, Done, DoneEndSlice }

    /// <summary>A store that missed the data TLB, is misaligned, targets a device, code or a watched page.</summary>
    private StoreOutcome StoreSlow(ulong va, int size, ulong value) =>
        AccessTriggerFires(va, size, load: false, store: true) ? StoreOutcome.Trap : StoreAccess(va, size, value);

    /// <summary>The store itself (parts of a split access come back here, past the triggers).</summary>
    private StoreOutcome StoreAccess(ulong va, int size, ulong value)
    {
        if ((va & (ulong)(size - 1)) != 0)
        {
            if (_options.MisalignedAccess == MisalignedAccessPolicy.Trap)
            {
                _pendingTrap = new Trap(TrapCause.StoreAddressMisaligned, va);
                return StoreOutcome.Trap;
            }
            if ((va & PageOffsetMask) + (ulong)size > Sv39.PageSize)
            {
                // Translate both pages before writing anything, so a fault leaves memory unchanged;
                // a fault in the second page reports that page's first address, as QEMU does.
                ulong secondPage = (va & PageHighMask) + Sv39.PageSize;
                ulong firstLength = Sv39.PageSize - (va & PageOffsetMask);
                if (!Translate(va, (int)firstLength, AccessType.Store, va, out ulong firstPa, out _, out _) ||
                    !Translate(secondPage, size - (int)firstLength, AccessType.Store, secondPage, out ulong secondPa, out _, out _)) return StoreOutcome.Trap;
                // Both parts must reach memory too, or nothing is written.
                if (!_bus.IsRam(firstPa, firstLength))
                {
                    _pendingTrap = new Trap(TrapCause.StoreAccessFault, va);
                    return StoreOutcome.Trap;
                }
                if (!_bus.IsRam(secondPa, (ulong)size - firstLength))
                {
                    _pendingTrap = new Trap(TrapCause.StoreAccessFault, secondPage);
                    return StoreOutcome.Trap;
                }
                return StoreBytes(va, size, value);
            }
        }
        if (!Translate(va, size, AccessType.Store, va, out ulong pa, out bool writable, out bool readable)) return StoreOutcome.Trap;
        if (_protectedState is not null && ProtectedRegion(va) is int ear and >= 0)
            return ProtectedStore(va, pa, size, value, ear, readable, writable);
        if (_bus.IsRam(pa, (ulong)size))
        {
            bool cached = CachesPlain(pa) && !IsCodePage(pa >> Sv39.PageShift);
            if (cached && (pa & 63) + (ulong)size > 64) return StoreBytes(va, size, value);
            // A store to code goes to DRAM, where the decoder reads: a cached copy of its line goes first.
            if (!cached) _protection?.DataCache.Flush(pa, (ulong)size, invalidate: true);
            bool endSlice = InvalidateCode(pa, (ulong)size);
            ulong physicalPage = pa >> Sv39.PageShift;
            if (_bus.IsWatchedPage(physicalPage))
            {
                // HTIF: the host looks at tohost once this store is done.
                _bus.RequestAttention();
                endSlice = true;
            }
            FillDataTlb(va, pa, readable, writable);
            WriteHost(cached ? PlainCachedPointer(pa, write: true) : HostPointer(pa), size, value);
            RecordAccess(va, pa, size, value, isWrite: true);
            ObservePlainAccess(pa, size, value, isWrite: true);
            return endSlice ? StoreOutcome.DoneEndSlice : StoreOutcome.Done;
        }
        if ((va & (ulong)(size - 1)) != 0 || !_bus.TryWrite(pa, size, value))
        {
            _pendingTrap = new Trap(TrapCause.StoreAccessFault, va);
            return StoreOutcome.Trap;
        }
        RecordAccess(va, pa, size, value, isWrite: true);
        // Device writes may raise interrupts or stop the machine: let the run loop look.
        return StoreOutcome.DoneEndSlice;
    }

    /// <summary>A misaligned access that crosses a cache line, one byte at a time.</summary>
    private bool LoadBytes(ulong va, int size, out ulong value)
    {
        value = 0;
        for (int i = 0; i < size; i++)
        {
            if (!LoadAccess(va + (ulong)i, 1, out ulong b)) return false;
            value |= b << (8 * i);
        }
        return true;
    }

    private StoreOutcome StoreBytes(ulong va, int size, ulong value)
    {
        var outcome = StoreOutcome.Done;
        for (int i = 0; i < size; i++)
        {
            var part = StoreAccess(va + (ulong)i, 1, value >> (8 * i));
            if (part == StoreOutcome.Trap) return part;
            if (part == StoreOutcome.DoneEndSlice) outcome = part;
        }
        return outcome;
    }

    private static ulong ReadHost(byte* p, int size) => size switch
    {
        1 => *p,
        2 => Unsafe.ReadUnaligned<ushort>(p),
        4 => Unsafe.ReadUnaligned<uint>(p),
        _ => Unsafe.ReadUnaligned<ulong>(p),
    };

    private static void WriteHost(byte* p, int size, ulong value)
    {
        switch (size)
        {
            case 1: *p = (byte)value; break;
            case 2: Unsafe.WriteUnaligned(p, (ushort)value); break;
            case 4: Unsafe.WriteUnaligned(p, (uint)value); break;
            default: Unsafe.WriteUnaligned(p, value); break;
        }
    }

    /// <summary>
    /// Drops decoded instructions of the pages a write touched. Returns true if any were dropped,
    /// in which case the executor must stop using its current page before the next instruction.
    /// </summary>
    private bool InvalidateCode(ulong pa, ulong length)
    {
        if (length == 0) return false;
        ulong ramBasePage = _bus.Dram.BaseAddress >> Sv39.PageShift;
        ulong first = pa >> Sv39.PageShift, last = (pa + length - 1) >> Sv39.PageShift;
        bool any = false;
        for (ulong page = first; page <= last; page++)
        {
            ulong index = page - ramBasePage;
            if (index >= (ulong)_decodedPages.Length || _decodedPages[index] is null) continue;
            DropDecodedPage(index, codeChanged: true);
            any = true;
        }
        return any;
    }

    /// <param name="codeChanged">True when a write (store or DMA) may have changed the code: only those
    /// drops count toward the recompile limit.</param>
    private void DropDecodedPage(ulong index, bool codeChanged)
    {
        var dropped = _decodedPages[index]!;
        ulong page = dropped.PhysicalPage;
        if (dropped.KeySlot < _decodedPagesByKey.Length) _decodedPagesByKey[dropped.KeySlot]--;
        _decodedPages[index] = null;
        DecodedPageDropped(index, dropped, codeChanged);
        for (int i = 0; i <= (int)_tlbMask; i++)
            if (_itlb[i].PhysicalPage == page) _itlb[i].Tag = InvalidTag;
    }

    /// <summary>Decoded-instruction slots for one physical page of DRAM (on chip: a model of the I-cache's contents).</summary>
    private sealed class DecodedPage
    {
        public const int Slots = (int)(Sv39.PageSize / 2);
        public ulong PhysicalPage;
        /// <summary>The key the page's code was decrypted under (0 for plain code), its region and first line.</summary>
        public int KeySlot;
        public uint RegionId;
        public uint FirstLine;
        public uint Instance;
        private readonly DecodedOp[] _slots = GC.AllocateArray<DecodedOp>(Slots, pinned: true);
        public DecodedOp* Pointer => (DecodedOp*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slots));

        // The translator's state for this page (Hart.Translate.cs), made on first use: blocks by their
        // first slot, and how often the interpreter reached each slot as the start of a block.
        private TranslatedBlock?[]? _blocks;
        private ushort[]? _visits;

        /// <summary>The block for <paramref name="pc"/> (its slot and its virtual address: a page mapped twice gets a block per address).</summary>
        public TranslatedBlock? BlockAt(int slot, ulong pc) =>
            _blocks is { } blocks && blocks[slot] is { } block && block.StartPc == pc ? block : null;

        /// <summary>Counts one more visit of a block start; returns the count (saturating).</summary>
        public int Visit(int slot)
        {
            var visits = _visits ??= new ushort[Slots];
            if (visits[slot] != ushort.MaxValue) visits[slot]++;
            return visits[slot];
        }

        /// <summary>True once a block of this page has been translated (its dropping counts toward the recompile limit).</summary>
        public bool HasTranslated { get; private set; }

        public void Add(int slot, TranslatedBlock block)
        {
            var blocks = _blocks ??= new TranslatedBlock?[Slots];
            // A block displaced by one for another virtual address leaves the table: no chained link may reach it any more.
            if (blocks[slot] is { } displaced) displaced.Valid = false;
            blocks[slot] = block;
            _visits![slot] = 0;
            if (block.Function is not null) HasTranslated = true;
        }

        /// <summary>Drops the blocks built from any slot in [first, end): those slots' instructions are gone (an instruction-cache eviction).</summary>
        public void DropBlocks(int first, int end)
        {
            if (_blocks is not { } blocks) return;
            for (int i = 0; i < Slots; i++)
            {
                if (blocks[i] is not { } block || block.FirstSlot >= end || block.EndSlot <= first) continue;
                block.Valid = false;
                blocks[i] = null;
            }
        }

        /// <summary>Marks every block of the page invalid (the page is being dropped), so no chained link reaches one.</summary>
        public void InvalidateBlocks()
        {
            if (_blocks is not { } blocks) return;
            foreach (var block in blocks)
                if (block is not null) block.Valid = false;
        }
    }

    /// <summary>
    /// Finds the decoded page for the fetch at <paramref name="pc"/> through the instruction TLB,
    /// translating and building it on a miss. Null on a fetch fault (recorded in <see cref="_pendingTrap"/>).
    /// <paramref name="eachInstruction"/>: the page holds an execute trigger's address or a PMP entry
    /// boundary, so it gets no TLB entry and the executor comes back here for every instruction.
    /// </summary>
    private DecodedOp* FetchPage(ulong pc, out long hostOffset, out bool eachInstruction)
    {
        ref var e = ref _itlb[(pc >> Sv39.PageShift) & _tlbMask];
        if (e.Tag == (pc & PageHighMask))
        {
            hostOffset = e.HostOffset;
            eachInstruction = false;
            _currentPage = _decodedPages[e.PhysicalPage - (_bus.Dram.BaseAddress >> Sv39.PageShift)];
            return e.Page;
        }
        hostOffset = 0;
        // An instruction address breakpoint comes before every other exception of the instruction (privileged spec table 3.7).
        bool watched = _triggers.ExecuteArmed && _triggers.Watches(pc & PageHighMask, execute: true, load: false, store: false);
        eachInstruction = watched;
        if (watched && _protectedState is null && _triggers.MatchesExecute(pc, _privilege))
        {
            _pendingTrap = new Trap(TrapCause.Breakpoint, 0); // mtval 0, as QEMU 7.2
            return null;
        }
        if (!Translate(pc, 2, AccessType.Fetch, pc, out ulong pa, out _, out _)) return null;
        if (!_bus.IsRam(pa & PageHighMask, Sv39.PageSize))
        {
            _pendingTrap = new Trap(TrapCause.InstructionAccessFault, pc);
            return null;
        }
        // In encrypted execution mode, code must come from an executable EAR region (never from plain
        // memory the OS could write); its lines are decrypted into the instruction cache.
        int keySlot = 0;
        uint regionId = 0, firstLine = 0, instance = 0;
        if (_protectedState is not null)
        {
            int ear = ProtectedRegion(pc);
            if (ear < 0 || (_protectedState.Ear[ear].Permissions & RegionPermissions.Execute) == 0)
            {
                _pendingTrap = new Trap(TrapCause.InstructionAccessFault, pc);
                return null;
            }
            ref var entry = ref _protectedState.Ear[ear];
            keySlot = entry.KeySlot;
            regionId = entry.RegionId;
            firstLine = (uint)(((pc & PageHighMask) - entry.Start) >> 6);
            instance = entry.Instance;
        }
        ulong physicalPage = pa >> Sv39.PageShift;
        ulong index = physicalPage - (_bus.Dram.BaseAddress >> Sv39.PageShift);
        var page = _decodedPages[index];
        if (page is not null && (page.KeySlot != keySlot || page.RegionId != regionId || page.FirstLine != firstLine || page.Instance != instance))
        {
            DropDecodedPage(index, codeChanged: false); // another context's code in this frame, not changed code
            page = null;
        }
        if (page is null)
        {
            page = _decodedPages[index] = new DecodedPage { PhysicalPage = physicalPage, KeySlot = keySlot, RegionId = regionId, FirstLine = firstLine, Instance = instance };
            if (keySlot < _decodedPagesByKey.Length) _decodedPagesByKey[keySlot]++;
            DecodedPagesBuilt++;
            // Stores to this page must now see the slow path, which drops the decoded copy.
            for (int i = 0; i <= (int)_tlbMask; i++)
                if (_dtlb[i].PhysicalPage == physicalPage) _dtlb[i].WriteTag = _dtlb[i].CachedWriteTag = InvalidTag;
            // The decoder reads plain code from DRAM: plain lines stored through the cache go there first.
            if (keySlot == 0) _protection?.DataCache.Flush(physicalPage << Sv39.PageShift, Sv39.PageSize, invalidate: false);
        }
        if (PmpApplies(_privilege) && _pmp.PageRights(pa & PageHighMask, _privilege == Privilege.Machine) is null)
        {
            // PMP decides instruction by instruction on this page: the first parcel passed in Translate.
            eachInstruction = true;
            if (!UpperParcelExecutable(pc, pa, keySlot != 0)) return null;
        }
        hostOffset = keySlot != 0 ? ProtectedCodeMarker : (long)HostPointer(pa & PageHighMask) - (long)(pc & PageHighMask);
        if (_fastPathEnabled && !eachInstruction)
        {
            e.Tag = pc & PageHighMask;
            e.Page = page.Pointer;
            e.HostOffset = hostOffset;
            e.PhysicalPage = physicalPage;
        }
        _currentPage = page;
        return page.Pointer;
    }

    /// <summary>
    /// The second half of a 32-bit instruction at <paramref name="pc"/> must be executable too (a
    /// 32-bit instruction straddling pages is fetched parcel by parcel in <see cref="TryFetchParcel"/>).
    /// </summary>
    private bool UpperParcelExecutable(ulong pc, ulong pa, bool protectedCode)
    {
        if ((pc & PageOffsetMask) == PageOffsetMask - 1) return true;
        ushort low;
        if (protectedCode)
        {
            if (!TryFetchProtectedParcel(pc, pa, out low)) return false;
        }
        else
        {
            low = Unsafe.ReadUnaligned<ushort>(HostPointer(pa));
        }
        if ((low & 3) != 3 || _pmp.Allows(pa + 2, 2, PmpRights.Execute, _privilege == Privilege.Machine)) return true;
        _pendingTrap = new Trap(TrapCause.InstructionAccessFault, pc + 2);
        return false;
    }

    /// <summary>
    /// Reads the instruction bits at <paramref name="pc"/> through fetch translation (for decoding a
    /// page-crossing instruction, for mtval on illegal instructions, and for the semihosting check).
    /// </summary>
    private bool TryFetchParcel(ulong pc, out ushort parcel)
    {
        parcel = 0;
        if (!Translate(pc, 2, AccessType.Fetch, pc, out ulong pa, out _, out _)) return false;
        if (!_bus.IsRam(pa, 2))
        {
            _pendingTrap = new Trap(TrapCause.InstructionAccessFault, pc);
            return false;
        }
        if (_protectedState is not null) return TryFetchProtectedParcel(pc, pa, out parcel);
        parcel = Unsafe.ReadUnaligned<ushort>(HostPointer(pa));
        return true;
    }

    private bool TryFetchInstruction(ulong pc, out uint bits)
    {
        bits = 0;
        if (!TryFetchParcel(pc, out ushort low)) return false;
        if ((low & 3) != 3) { bits = low; return true; }
        if (!TryFetchParcel(pc + 2, out ushort high)) return false;
        bits = (uint)high << 16 | low;
        return true;
    }
}
