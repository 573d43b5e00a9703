using System.Runtime.CompilerServices;

namespace Cloak.Chip.Cpu;

/// <summary>
/// The translating engine's dispatcher (issue 11, item 1). Between blocks it looks up the pc in the
/// instruction TLB, finds the decoded page the interpreter built for it, and runs the page's
/// translated block for that pc if there is one and it fits whole in what is left of the slice;
/// otherwise the interpreter runs up to the next jump or branch and counts the block's start as one
/// visit more, translating it once it is hot (<see cref="HartOptions.TranslationThreshold"/>).
/// Blocks belong to their decoded page, so they live and die with it: a page is keyed by physical page
/// and, for a protected process, by key slot, region and instance (decrypted code never runs in
/// another context), dropped by stores to it, DMA, key eviction and instruction-cache eviction, and
/// kept across context switches (satp changes only flush the TLBs). Anything that must see each
/// instruction (tracing, bus taps, debug triggers, PMP boundaries inside a page) never gets an
/// instruction TLB entry, so it never reaches a block.
/// </summary>
public sealed unsafe partial class Hart
{
    internal delegate int BlockFunction(Hart hart, long retired, long limit);

    // A block's exit kinds (its return value).
    private const int BlockContinue = 0, BlockTrap = 1, BlockEndSlice = 2;

    /// <summary>
    /// Most blocks one dispatcher call runs through chained links before it looks again (a bound on
    /// the host stack should the runtime not honour a tail call, and on time away from the loop).
    /// </summary>
    private const int MaxChainedBlocks = 4096;

    /// <summary>Blocks translated since reset; <see cref="BlocksReused"/> of them took a function already compiled for the same instructions.</summary>
    public ulong BlocksTranslated { get; private set; }

    /// <summary>Instructions retired inside translated blocks.</summary>
    public ulong TranslatedInstructions { get; private set; }

    /// <summary>Links set from a block's exit to its successor's block (<see cref="TranslatedBlock.Links"/>).</summary>
    public ulong BlockLinksMade { get; private set; }

    /// <summary>Physical pages that reached <see cref="HartOptions.RecompileLimit"/> and are now always interpreted.</summary>
    public ulong PagesLeftInterpreted { get; private set; }

    // The block running, or that ran last (set by the dispatcher and by each chained jump: a function
    // shared by several blocks reads its links from here), and the chained jumps left before a block
    // must return to the dispatcher.
    private TranslatedBlock? _lastBlock;
    private int _chainHops;

    /// <summary>How often each physical page of RAM lost translated blocks to a write, DMA or a context change (the recompile limit).</summary>
    private ushort[]? _pageRecompiles;

    private SliceExit RunSliceTranslated(long budget)
    {
        long n = 0;
        ulong ramBasePage = _bus.Dram.BaseAddress >> 12;
        int threshold = _options.TranslationThreshold;
        _sliceRetired = 0;
        // The block that just returned to this loop with a Continue: its exit to this pc may be linked.
        // Null after anything the interpreter ran, so a link is only ever made between two blocks that
        // ran back to back under one address mapping and one protection context.
        TranslatedBlock? previous = null;
        while (n < budget)
        {
            ulong pc = _pc;
            ref var e = ref _itlb[(pc >> 12) & _tlbMask];
            if (e.Tag == (pc & PageHighMask) && _decodedPages[e.PhysicalPage - ramBasePage] is { } page)
            {
                int slot = (int)((pc >> 1) & (DecodedPage.Slots - 1));
                var block = page.BlockAt(slot, pc);
                if (block is null && page.Visit(slot) >= threshold) block = Translate(page, slot, pc, e.HostOffset);
                if (block?.Function is { } function)
                {
                    if (previous is not null && previous.Valid && previous.TryLink(pc, block)) BlockLinksMade++;
                    if (block.Length <= budget - n)
                    {
                        _chainHops = MaxChainedBlocks;
                        _lastBlock = block;
                        int kind = function(this, n, budget);
                        TranslatedInstructions += _sliceRetired - (ulong)n;
                        n = (long)_sliceRetired;
                        if (kind == BlockContinue)
                        {
                            previous = _lastBlock;
                            continue;
                        }
                        return kind == BlockTrap ? SliceExit.Trap : SliceExit.EndSlice;
                    }
                }
            }
            previous = null;
            var exit = RunSlice(budget, n, stopAtBlockEnd: true);
            n = (long)_sliceRetired;
            if (exit != SliceExit.BlockEnd) return exit;
        }
        return SliceExit.Budget;
    }

    /// <summary>
    /// Translates the block starting at <paramref name="pc"/>; a block without a function marks a start
    /// the translator cannot take, or one on a page past its recompile limit (it stays interpreted).
    /// </summary>
    private TranslatedBlock Translate(DecodedPage page, int slot, ulong pc, long fetchHost)
    {
        ulong index = page.PhysicalPage - (_bus.Dram.BaseAddress >> 12);
        var block = _pageRecompiles is { } counts && counts[index] >= _options.RecompileLimit
            ? TranslatedBlock.Untranslatable(pc, slot)
            : BlockCompiler.Compile(this, page, pc, fetchHost);
        page.Add(slot, block);
        if (block.Function is not null) BlocksTranslated++;
        return block;
    }

    /// <summary>
    /// A decoded page was dropped (a store or DMA over it, a key eviction, another context's code):
    /// its blocks become unreachable by chained links, and if its code may have changed (a store or
    /// DMA) and it had translated code, the page counts one recompile more. Code and data sharing a
    /// page, or code that rewrites itself, would otherwise pay for translating the same blocks again
    /// and again; past the limit the page stays interpreted.
    /// </summary>
    private void DecodedPageDropped(ulong index, DecodedPage page, bool codeChanged)
    {
        page.InvalidateBlocks();
        if (!codeChanged || !page.HasTranslated) return;
        var counts = _pageRecompiles ??= new ushort[_decodedPages.Length];
        if (counts[index] == ushort.MaxValue) return;
        if (++counts[index] == _options.RecompileLimit) PagesLeftInterpreted++;
    }

    /// <summary>A load that missed the inline check of a block: the data cache of protected lines, else the slow path.</summary>
    private bool JitLoad(ulong va, int size, out ulong value)
    {
        DataTlbEntry* e = _dtlb + ((va >> 12) & _tlbMask);
        int line;
        if ((va & (PageHighMask | (ulong)(size - 1))) == e->CachedReadTag && (line = e->LineMap[(va >> 6) & 63]) >= 0)
        {
            value = ReadHost(_cacheData + (line << 6) + (long)(va & 63), size);
            _cacheFastHits++;
            return true;
        }
        return LoadSlow(va, size, out value);
    }

    /// <summary>A store that missed the inline check of a block; returns a <see cref="StoreOutcome"/> as an int.</summary>
    private int JitStore(ulong va, int size, ulong value)
    {
        DataTlbEntry* e = _dtlb + ((va >> 12) & _tlbMask);
        int line;
        if ((va & (PageHighMask | (ulong)(size - 1))) == e->CachedWriteTag && (line = e->LineMap[(va >> 6) & 63]) >= 0)
        {
            WriteHost(_cacheData + (line << 6) + (long)(va & 63), size, value);
            _cacheDirty[line] = 1;
            _cacheFastHits++;
            return (int)StoreOutcome.Done;
        }
        return (int)StoreSlow(va, size, value);
    }

    // The M extension's harder cases for translated code (unprivileged spec 13.2, table 13.1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitMulh(ulong a, ulong b) => (ulong)Math.BigMul((long)a, (long)b, out _);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitMulhu(ulong a, ulong b) => Math.BigMul(a, b, out _);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitMulhsu(ulong a, ulong b) => MulHighSignedUnsigned(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitDiv(ulong a, ulong b) => Divide((long)a, (long)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitDivu(ulong a, ulong b) => b == 0 ? ulong.MaxValue : a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitRem(ulong a, ulong b) => Remainder((long)a, (long)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitRemu(ulong a, ulong b) => b == 0 ? a : a % b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitDivw(ulong a, ulong b) => (ulong)(long)DivideWord((int)a, (int)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitDivuw(ulong a, ulong b) => (ulong)(long)(int)((uint)b == 0 ? uint.MaxValue : (uint)a / (uint)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitRemw(ulong a, ulong b) => (ulong)(long)RemainderWord((int)a, (int)b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static ulong JitRemuw(ulong a, ulong b) => (ulong)(long)(int)((uint)b == 0 ? (uint)a : (uint)a % (uint)b);

    /// <summary>
    /// A translated block: the instructions from <see cref="StartPc"/> through not-taken branches up to
    /// the first jump, untranslatable instruction or the end of the page, as one host method. Fields,
    /// not properties, where translated code reads them (<see cref="BlockCompiler"/>).
    /// </summary>
    internal sealed class TranslatedBlock(ulong startPc, int firstSlot, int endSlot, int length, ulong[] linkTargets)
    {
        public ulong StartPc { get; } = startPc;
        /// <summary>The decoded slots the block was built from: [FirstSlot, EndSlot).</summary>
        public int FirstSlot { get; } = firstSlot;
        public int EndSlot { get; } = endSlot;
        /// <summary>The most instructions one pass retires (a block runs only whole within the slice).</summary>
        public readonly int Length = length;
        /// <summary>Null when the start cannot be translated (the interpreter runs it). Set once, after compiling.</summary>
        public BlockFunction? Function;
        /// <summary>False once the block left its page's table (dropped, evicted, displaced): a link to it is dead.</summary>
        public bool Valid = true;
        /// <summary>
        /// The constant targets of the block's exits on its own page, and for each the block that ran
        /// there last (null until the dispatcher sees one). A translated exit jumps straight into its
        /// link's function when the link is valid and a whole pass of it fits the budget.
        /// </summary>
        public readonly ulong[] LinkTargets = linkTargets;
        public readonly TranslatedBlock?[] Links = new TranslatedBlock?[linkTargets.Length];

        public static TranslatedBlock Untranslatable(ulong pc, int slot) => new(pc, slot, slot + 1, int.MaxValue, []);

        /// <summary>Links the exit to <paramref name="pc"/>, if the block has one, to <paramref name="next"/>; true if the link is new.</summary>
        public bool TryLink(ulong pc, TranslatedBlock next)
        {
            int i = Array.IndexOf(LinkTargets, pc);
            if (i < 0 || ReferenceEquals(Links[i], next)) return false;
            Links[i] = next;
            return true;
        }
    }
}
