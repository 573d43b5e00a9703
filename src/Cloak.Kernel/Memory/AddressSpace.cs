using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;

namespace Cloak.Kernel.Memory;

/// <summary>Outcome of a page fault.</summary>
internal enum FaultResult { Resolved, NoMapping, ProtectionViolation, OutOfMemory }

/// <summary>
/// A process's virtual memory: its areas (VMAs) and the Sv39 page table that shows them to the MMU.
/// Pages are populated on first touch (demand paging) and may be swapped out and back at any time.
/// The kernel's own accesses to user memory (syscall buffers) go through <see cref="CopyIn"/> and
/// <see cref="CopyOut"/>, which check the areas' rights like the MMU would.
/// </summary>
internal sealed class AddressSpace
{
    public const ulong UserTop = 0x40_0000_0000;   // Sv39's lower half: 256 GiB
    private readonly List<Vma> _areas = [];
    private readonly Pager _pager;
    private readonly OsPort _port;
    private readonly KernelEvents _events;

    public AddressSpace(Process owner, Pager pager, OsPort port, KernelEvents events)
    {
        Owner = owner;
        _pager = pager;
        _port = port;
        _events = events;
        Table = new PageTable(port.Memory, () => pager.AllocateFrame(FrameUse.PageTable));
    }

    public Process Owner { get; }
    public PageTable Table { get; }
    public ulong Satp => Sv39.MakeSatp(Table.RootFrame);
    public IReadOnlyList<Vma> Areas => _areas;
    public ulong PageFaults { get; private set; }

    public Vma? Find(ulong va)
    {
        foreach (var area in _areas)
            if (area.Contains(va)) return area;
        return null;
    }

    public bool IsFree(ulong start, ulong end) =>
        start < end && end <= UserTop && _areas.All(a => end <= a.Start || start >= a.End);

    public Vma Map(MemoryObject obj, ulong start, int firstObjectPage, int pages, Protection protection, AreaKind kind, object? segment = null)
    {
        ulong end = start + ((ulong)pages << 12);
        if ((start & 0xFFF) != 0 || !IsFree(start, end))
            throw new InvalidOperationException($"[0x{start:x}, 0x{end:x}) is not a free, page-aligned user range");
        var vma = new Vma { Start = start, End = end, Protection = protection, Object = obj, FirstObjectPage = firstObjectPage, Kind = kind, Segment = segment };
        _areas.Add(vma);
        _areas.Sort((a, b) => a.Start.CompareTo(b.Start));
        obj.Mappings.Add((this, vma));
        return vma;
    }

    /// <summary>
    /// Removes [start, end) from every area it overlaps, splitting areas as needed. Pages of private
    /// objects are released; shared objects only lose this mapping. Returns the areas removed whole.
    /// </summary>
    public List<Vma> Unmap(ulong start, ulong end)
    {
        var removedWhole = new List<Vma>();
        foreach (var vma in _areas.Where(a => a.Start < end && a.End > start).ToList())
        {
            ulong cutStart = Math.Max(start, vma.Start), cutEnd = Math.Min(end, vma.End);
            for (ulong va = cutStart; va < cutEnd; va += 4096)
            {
                int page = vma.ObjectPage(va);
                if (vma.Kind == AreaKind.Shared || vma.Kind == AreaKind.Foreign)
                {
                    ulong old = Table.Unmap(va);
                    if (old != 0) _events.PageUnmapped(new PageEvent(Owner, va, Pte.Ppn(old), 0));
                }
                else
                {
                    _pager.Release(vma.Object, page);
                }
            }
            _port.FlushTranslations();

            vma.Object.Mappings.Remove((this, vma));
            _areas.Remove(vma);
            if (vma.Start < cutStart)
            {
                var low = new Vma { Start = vma.Start, End = cutStart, Protection = vma.Protection, Object = vma.Object, FirstObjectPage = vma.FirstObjectPage, Kind = vma.Kind, Segment = vma.Segment };
                _areas.Add(low);
                vma.Object.Mappings.Add((this, low));
            }
            if (cutEnd < vma.End)
            {
                var high = new Vma { Start = cutEnd, End = vma.End, Protection = vma.Protection, Object = vma.Object, FirstObjectPage = vma.ObjectPage(cutEnd), Kind = vma.Kind, Segment = vma.Segment };
                _areas.Add(high);
                vma.Object.Mappings.Add((this, high));
            }
            if (vma.Start >= start && vma.End <= end) removedWhole.Add(vma);
        }
        _areas.Sort((a, b) => a.Start.CompareTo(b.Start));
        return removedWhole;
    }

    /// <summary>Grows an area upwards (the heap).</summary>
    public bool Extend(Vma vma, ulong newEnd)
    {
        if (newEnd <= vma.End) return true;
        if (!IsFree(vma.End, newEnd)) return false;
        vma.Object.Resize(vma.ObjectPage(newEnd - 1) + 1);
        vma.End = newEnd;
        return true;
    }

    /// <summary>Resolves a page fault at <paramref name="va"/> by populating and mapping the page.</summary>
    public FaultResult HandleFault(ulong va, AccessType access)
    {
        PageFaults++;
        var vma = Find(va);
        if (vma is null) return FaultResult.NoMapping;
        var needed = access switch { AccessType.Fetch => Protection.Execute, AccessType.Load => Protection.Read, _ => Protection.Write };
        if ((vma.Protection & needed) == 0) return FaultResult.ProtectionViolation;
        return MapPage(vma, va & ~0xFFFUL) ? FaultResult.Resolved : FaultResult.OutOfMemory;
    }

    private bool MapPage(Vma vma, ulong va)
    {
        // Page-table frames first: allocating one may evict a page, and must not evict this one
        // between its being made resident and its being mapped.
        if (Table.LeafEntryAddress(va, create: true) is null) return false;
        int page = vma.ObjectPage(va);
        if (_pager.EnsureResident(vma.Object, page) is not { } frame) return false;
        var mapped = new PageEvent(Owner, va, frame, vma.Protection);
        _events.PageMapped(mapped);
        return Table.Map(va, mapped.Frame, mapped.Protection);
    }

    /// <summary>Reads user memory for the kernel; false if any byte is not readable by the process.</summary>
    public bool CopyIn(ulong va, Span<byte> destination)
    {
        if (!Accessible(va, destination.Length, Protection.Read)) return false;
        for (int done = 0; done < destination.Length;)
        {
            if (NextPiece(va, destination.Length, done, out ulong address, out int n) is false) return false;
            _port.Memory.Read(address, n).CopyTo(destination.Slice(done, n));
            done += n;
        }
        return true;
    }

    /// <summary>Writes user memory for the kernel; false if any byte is not writable by the process.</summary>
    public bool CopyOut(ulong va, ReadOnlySpan<byte> source)
    {
        if (!Accessible(va, source.Length, Protection.Write)) return false;
        for (int done = 0; done < source.Length;)
        {
            if (NextPiece(va, source.Length, done, out ulong address, out int n) is false) return false;
            _port.Memory.Write(address, source.Slice(done, n));
            done += n;
        }
        return true;
    }

    /// <summary>Every page of the range is mapped with <paramref name="needed"/> rights (checked before touching any).</summary>
    private bool Accessible(ulong va, int length, Protection needed)
    {
        if (length == 0) return true;
        if (va + (ulong)length < va || va + (ulong)length > UserTop) return false;
        for (ulong page = va & ~0xFFFUL; page < va + (ulong)length; page += 4096)
            if (Find(page) is not { } vma || (vma.Protection & needed) == 0) return false;
        return true;
    }

    /// <summary>
    /// Makes the page holding byte <paramref name="done"/> of the range resident and returns its physical
    /// address and how many bytes of the range it holds. Used at once, before the next page is made
    /// resident (which may evict this one).
    /// </summary>
    private bool NextPiece(ulong va, int length, int done, out ulong physical, out int n)
    {
        ulong at = va + (ulong)done;
        var vma = Find(at)!;
        physical = 0;
        n = (int)Math.Min((ulong)(length - done), 4096 - (at & 0xFFF));
        if (_pager.EnsureResident(vma.Object, vma.ObjectPage(at)) is not { } frame) return false;
        physical = (frame << 12) + (at & 0xFFF);
        return true;
    }

    /// <summary>Reads a string of known length from user memory.</summary>
    public string? ReadString(ulong va, ulong length, int maxLength = 4096)
    {
        if (length > (ulong)maxLength) return null;
        var bytes = new byte[length];
        return CopyIn(va, bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }

    /// <summary>The highest free range of <paramref name="size"/> bytes below <paramref name="top"/>.</summary>
    public ulong? FindFreeRangeBelow(ulong top, ulong size)
    {
        ulong candidate = (top - size) & ~0xFFFUL;
        foreach (var area in _areas.OrderByDescending(a => a.Start))
        {
            if (area.Start >= candidate + size) continue;
            if (area.End <= candidate) break;
            if (area.Start < size) return null;
            candidate = (area.Start - size) & ~0xFFFUL;
        }
        return candidate >= 0x1_0000 ? candidate : null;
    }

    /// <summary>Tears the address space down: every area unmapped, page-table frames freed.</summary>
    public void Destroy()
    {
        Unmap(0, UserTop);
        foreach (ulong frame in Table.TableFrames) _pager.Frames.Free(frame);
        _port.FlushTranslations();
    }
}
