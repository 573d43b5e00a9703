using Cloak.Chip.Memory;
using Cloak.Chip.Security;
using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The hart's side of encrypted execution (SPEC 2.2-2.3): while a protected process runs, every data
/// access that misses the TLB is looked up in its EAR table; accesses inside a region go through the
/// data cache (plaintext) and the memory encryption unit (ciphertext in DRAM), and code is fetched
/// only from executable EAR regions, decrypted line by line into the instruction cache. Accesses
/// outside every region are plain, as in a plain process.
/// </summary>
public sealed unsafe partial class Hart
{
    /// <summary>Stands in for a host offset in the fetch path: the page's code is encrypted.</summary>
    private const long ProtectedCodeMarker = long.MinValue;

    private ProtectionUnit? _protection;
    private ProtectedState? _protectedState;
    private InstructionCache? _icache;
    private byte* _cacheData;
    private byte* _cacheDirty;
    private ulong _cacheFastHits;

    internal ProtectionUnit? Protection => _protection;

    /// <summary>The host's instrument (<see cref="Processor.Observer"/>), told of TRP instructions, EAR changes and integrity faults.</summary>
    internal ChipObserver? Observer { get; set; }
    internal ProtectedState? ProtectedState => _protectedState;

    /// <summary>True while the hart runs a process in encrypted instruction execution mode.</summary>
    public bool InEncryptedMode => _protectedState is not null;

    /// <summary>Data-cache hits taken on the TLB fast path (the slow path counts the rest).</summary>
    public ulong CacheFastHits => _cacheFastHits;

    private bool _busTapped;

    /// <summary>A plain data access to DRAM, for a bus tap (an attacker on the bus sees plain data as it is).</summary>
    private void ObservePlainAccess(ulong pa, int size, ulong value, bool isWrite)
    {
        if (!_busTapped) return;
        Span<byte> data = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        _protection!.Bus.ObserveUncached(pa, isWrite ? BusDirection.Write : BusDirection.Read, data[..size]);
    }

    internal void AttachProtection(ProtectionUnit protection)
    {
        _protection = protection;
        _icache = new InstructionCache(protection.Options.InstructionCacheBytes, protection.Options.InstructionCacheWays, InstructionLineEvicted);
        _cacheData = protection.DataCache.Data;
        _cacheDirty = protection.DataCache.Dirty;
        protection.Bus.TappedChanged += tapped =>
        {
            // A tap sees every plain access on the bus, so plain data stops being cached (and what is cached goes to DRAM now).
            if (tapped) protection.DataCache.FlushKey(DataCache.PlainKeySlot);
            _busTapped = tapped;
            FastPathEnabled = _tracer is null && !tapped;
        };
        protection.DataCache.MapsDiscarding += FlushDataTlb;
        _decodedPagesByKey = new int[protection.Options.KeySlots + 1];
        protection.KeyEvicted += slot =>
        {
            _icache.InvalidateKey(slot);
            DropCodeOfKey(slot);
            FlushTlb();
        };
    }

    /// <summary>
    /// Drops the decoded (and translated) code of pages under a key that left the key table. The code
    /// did not change, so these drops do not count toward <see cref="HartOptions.RecompileLimit"/>:
    /// large sharing groups evict keys often, and their pages must not end up interpreted for it.
    /// </summary>
    internal void DropCodeOfKey(int slot)
    {
        // Most evicted keys are data keys (a hidden or shared region of a switched-out process) with
        // no decoded code: skip the scan of every page of DRAM then.
        if (slot < _decodedPagesByKey.Length && _decodedPagesByKey[slot] == 0) return;
        for (ulong i = 0; i < (ulong)_decodedPages.Length; i++)
            if (_decodedPages[i] is { } page && page.KeySlot == slot) DropDecodedPage(i, codeChanged: false);
    }

    internal InstructionCache? InstructionCache => _icache;

    /// <summary>Switches the hart into (or out of, with null) a protected context's state.</summary>
    internal void ActivateProtection(ProtectedState? state)
    {
        _protectedState = state;
        FlushTlb();
    }

    /// <summary>The EAR entry covering <paramref name="va"/>, or -1 (counts a lookup).</summary>
    private int ProtectedRegion(ulong va)
    {
        _protection!.Statistics.EarLookups++;
        return _protectedState!.Ear.Lookup(va);
    }

    private bool ProtectedLoad(ulong va, ulong pa, int size, int ear, bool readable, bool writable, out ulong value)
    {
        value = 0;
        ref var entry = ref _protectedState!.Ear[ear];
        if ((entry.Permissions & RegionPermissions.Read) == 0 || !_bus.IsRam(pa, (ulong)size))
        {
            _pendingTrap = new Trap(TrapCause.LoadAccessFault, va);
            return false;
        }
        if ((pa & 63) + (ulong)size > 64)
        {
            // Crosses a cache line: one byte at a time (each byte finds its own line).
            for (int i = 0; i < size; i++)
            {
                if (!LoadAccess(va + (ulong)i, 1, out ulong b)) return false;
                value |= b << (8 * i);
            }
            return true;
        }
        int slot = _protection!.DataCache.Access(pa & ~63UL, Context(entry, va));
        if (slot < 0) return IntegrityFault(va);
        value = ReadHost(_cacheData + slot * 64 + (int)(pa & 63), size);
        FillCachedTlb(va, pa, entry, readable, writable);
        RecordAccess(va, pa, size, value, isWrite: false, onChip: true);
        return true;
    }

    private StoreOutcome ProtectedStore(ulong va, ulong pa, int size, ulong value, int ear, bool readable, bool writable)
    {
        ref var entry = ref _protectedState!.Ear[ear];
        if ((entry.Permissions & RegionPermissions.Write) == 0 || !_bus.IsRam(pa, (ulong)size))
        {
            _pendingTrap = new Trap(TrapCause.StoreAccessFault, va);
            return StoreOutcome.Trap;
        }
        if ((pa & 63) + (ulong)size > 64) return StoreBytes(va, size, value);
        int slot = _protection!.DataCache.Access(pa & ~63UL, Context(entry, va));
        if (slot < 0)
        {
            IntegrityFault(va);
            return StoreOutcome.Trap;
        }
        WriteHost(_cacheData + slot * 64 + (int)(pa & 63), size, value);
        _cacheDirty[slot] = 1;
        FillCachedTlb(va, pa, entry, readable, writable);
        RecordAccess(va, pa, size, value, isWrite: true, onChip: true);
        return StoreOutcome.Done;
    }

    private static LineContext Context(in EarEntry entry, ulong va) =>
        new(entry.KeySlot, entry.RegionId, (uint)((va - entry.Start) >> 6), entry.FreshIsZero, entry.Instance);

    private bool IntegrityFault(ulong va)
    {
        _protection!.Statistics.IntegrityFaults++;
        Observer?.IntegrityFault(_protectedState?.ContextId ?? 0, va);
        _pendingTrap = new Trap(TrapCause.IntegrityFault, va);
        return false;
    }

    /// <summary>Lets later accesses to this page hit the data cache without a TLB miss.</summary>
    private void FillCachedTlb(ulong va, ulong pa, in EarEntry entry, bool readable, bool writable)
    {
        if (!_fastPathEnabled) return;
        WithoutWatchedPages(va, ref readable, ref writable);
        ref var e = ref _dtlb[(va >> 12) & _tlbMask];
        ulong page = va & PageHighMask;
        ulong physicalPage = pa >> 12;
        e.ReadTag = e.WriteTag = InvalidTag;
        e.PhysicalPage = physicalPage;
        e.LineMap = _protection!.DataCache.MapFor(DataCache.PageKey.Of(physicalPage << 6, Context(entry, page))).Pointer;
        e.CachedReadTag = readable && (entry.Permissions & RegionPermissions.Read) != 0 ? page : InvalidTag;
        e.CachedWriteTag = writable && (entry.Permissions & RegionPermissions.Write) != 0 ? page : InvalidTag;
    }

    /// <summary>
    /// Decrypts the code line holding <paramref name="pc"/> into the instruction cache and decodes all of
    /// its slots. False (trap recorded) if the line fails authentication.
    /// </summary>
    private bool DecodeProtectedLine(ulong pc)
    {
        var page = _currentPage!;
        int lineInPage = (int)((pc & PageOffsetMask) >> 6);
        Span<byte> code = stackalloc byte[128];
        if (!FillCodeLine(page, lineInPage, code[..64], pc)) return false;
        bool nextLoaded = false;
        DecodedOp* slots = page.Pointer;
        for (int offset = 0; offset < 64; offset += 2)
        {
            int slot = (lineInPage * 64 + offset) / 2;
            ushort low = (ushort)(code[offset] | code[offset + 1] << 8);
            uint bits = low;
            if ((low & 3) == 3)
            {
                if (offset == 62)
                {
                    if (lineInPage == 63)
                    {
                        slots[slot] = new DecodedOp { Op = ExecOp.CrossesPage };
                        continue;
                    }
                    if (!nextLoaded && !FillCodeLine(page, lineInPage + 1, code[64..], pc)) return false;
                    nextLoaded = true;
                }
                bits = (uint)(low | code[offset + 2] << 16 | code[offset + 3] << 24);
            }
            slots[slot] = DecodedOp.From(Decoder.Decode(bits));
        }
        return true;
    }

    private bool FillCodeLine(DecodedPage page, int lineInPage, Span<byte> plaintext, ulong pc)
    {
        ulong line = (page.PhysicalPage << 6) + (ulong)lineInPage;
        _icache!.Access(line, page.KeySlot);
        var context = new LineContext(page.KeySlot, page.RegionId, page.FirstLine + (uint)lineInPage, false, page.Instance);
        return _protection!.Encryption.Fill(line << 6, context, plaintext) || IntegrityFault(pc);
    }

    /// <summary>An instruction-cache line was evicted: its decoded instructions go with it.</summary>
    private void InstructionLineEvicted(ulong line, int keySlot)
    {
        ulong index = (line >> 6) - (_bus.Dram.BaseAddress >> 12);
        if (index >= (ulong)_decodedPages.Length || _decodedPages[index] is not { } page || page.KeySlot != keySlot) return;
        int first = (int)(line & 63) * 32;
        DecodedOp* slots = page.Pointer;
        // The previous line's last slot may hold an instruction whose upper half lives in this line.
        for (int i = Math.Max(0, first - 1); i < first + 32; i++) slots[i] = default;
        // Translated blocks built from those slots go too: the next run decrypts the line again, as the interpreter does.
        page.DropBlocks(Math.Max(0, first - 1), first + 32);
    }

    /// <summary>Reads a code parcel of a protected process (decrypting its line) for page-crossing decode and diagnostics.</summary>
    private bool TryFetchProtectedParcel(ulong pc, ulong pa, out ushort parcel)
    {
        parcel = 0;
        int ear = _protectedState!.Ear.Lookup(pc);
        if (ear < 0 || (_protectedState.Ear[ear].Permissions & RegionPermissions.Execute) == 0)
        {
            _pendingTrap = new Trap(TrapCause.InstructionAccessFault, pc);
            return false;
        }
        Span<byte> line = stackalloc byte[64];
        if (!_protection!.Encryption.Fill(pa & ~63UL, Context(_protectedState.Ear[ear], pc), line)) return IntegrityFault(pc);
        parcel = (ushort)(line[(int)(pa & 63)] | line[(int)(pa & 63) + 1] << 8);
        return true;
    }
}
