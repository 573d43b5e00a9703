namespace Cloak.Kernel.Memory;

/// <summary>Where a page of a memory object is: in a frame, in a swap slot, or not yet populated.</summary>
internal struct PageSlot
{
    public ulong Frame;       // physical page number, 0 if not resident
    public int SwapSlot;      // -1 if not in swap
    public bool Populated;    // false until first touched (then zero-filled or loaded from the source)
}

/// <summary>
/// A run of pages that one or more mappings show (the VM-object idea of Mach and BSD): a program
/// segment, a heap, a stack, an anonymous mmap, or a shared-memory segment. It knows where each of its
/// pages lives and who maps it, so the pager can move a page to swap and back without the mappers'
/// noticing.
/// </summary>
internal sealed class MemoryObject
{
    private readonly ReadOnlyMemory<byte> _initialBytes;

    public MemoryObject(string name, int pageCount, ReadOnlyMemory<byte> initialBytes = default)
    {
        Name = name;
        Pages = new PageSlot[pageCount];
        for (int i = 0; i < pageCount; i++) Pages[i].SwapSlot = -1;
        _initialBytes = initialBytes;
    }

    public string Name { get; }
    public PageSlot[] Pages { get; private set; }
    public int PageCount => Pages.Length;

    /// <summary>The mappings of this object (its reverse map), for eviction.</summary>
    public List<(AddressSpace Space, Vma Vma)> Mappings { get; } = [];

    /// <summary>Fills a newly populated page: the source bytes (an ELF segment) then zeros.</summary>
    public void InitialContents(int page, Span<byte> destination)
    {
        destination.Clear();
        int offset = page * 4096;
        if (offset < _initialBytes.Length)
            _initialBytes.Span.Slice(offset, Math.Min(4096, _initialBytes.Length - offset)).CopyTo(destination);
    }

    /// <summary>Grows the object (a heap growing with brk).</summary>
    public void Resize(int pageCount)
    {
        if (pageCount <= Pages.Length) return;
        var pages = new PageSlot[pageCount];
        Array.Copy(Pages, pages, Pages.Length);
        for (int i = Pages.Length; i < pageCount; i++) pages[i].SwapSlot = -1;
        Pages = pages;
    }
}

/// <summary>What a virtual memory area is for (reports and the adversary want to know).</summary>
public enum AreaKind : byte { Text, Data, Heap, Stack, Anonymous, Shared, Foreign }

/// <summary>A virtual memory area: [Start, End) of one address space showing pages of one memory object.</summary>
internal sealed class Vma
{
    public required ulong Start { get; set; }
    public required ulong End { get; set; }
    public required Protection Protection { get; init; }
    public required MemoryObject Object { get; init; }
    /// <summary>The object page shown at <see cref="Start"/>.</summary>
    public required int FirstObjectPage { get; set; }
    public required AreaKind Kind { get; init; }
    /// <summary>The shared-memory segment this area maps, if any.</summary>
    public object? Segment { get; init; }

    public bool Contains(ulong va) => va >= Start && va < End;
    public int ObjectPage(ulong va) => FirstObjectPage + (int)((va - Start) >> 12);
    public ulong AddressOf(int objectPage) => Start + ((ulong)(objectPage - FirstObjectPage) << 12);
    public bool ShowsObjectPage(int objectPage) => objectPage >= FirstObjectPage && AddressOf(objectPage) < End;
}
