using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Attacks.Chaos;

/// <summary>Which pages hold protected data, as the OS can tell: from the bus and its own records.</summary>
public sealed partial class ChaosAdversary
{
    /// <summary>A page of a process that holds protected data and is in a frame now.</summary>
    private readonly record struct Target(Process Process, ulong VirtualAddress, ulong Frame, AreaInfo Area);

    /// <summary>
    /// A probe on the bus: frames that encrypted lines (the memory encryption unit's transfers) moved
    /// to or from since they were last mapped. A plain page never sees one.
    /// </summary>
    private sealed class LineFrames : IBusTap
    {
        private readonly HashSet<ulong> _frames = [];

        public void Observe(in BusTransfer transfer)
        {
            if (transfer.IsLine) _frames.Add(transfer.Address >> 12);
        }

        public bool Contains(ulong frame) => _frames.Contains(frame);

        public void Forget(ulong frame) => _frames.Remove(frame);
    }

    private readonly LineFrames _frames = new();

    /// <summary>Per process, the areas (by start, kind and segment) known to hold protected data: an EAR entry covers a whole area.</summary>
    private readonly Dictionary<int, HashSet<(ulong Start, AreaKind Kind, int? Segment)>> _areas = [];

    /// <summary>Frames of protected pages just unmapped (the swap-out that follows learns its slot is protected).</summary>
    private readonly HashSet<ulong> _leavingProtected = [];

    public override void OnPageUnmapped(PageEvent e)
    {
        if (Alive(e.Process) && IsProtectedArea(e.Process, e.VirtualAddress)) _leavingProtected.Add(e.Frame);
        _frames.Forget(e.Frame);
    }

    /// <summary>The image regions of each sealed program, from the header its loader mapped in plain (the OS loaded it: it has it).</summary>
    private readonly Dictionary<string, IReadOnlyList<SealedRegionEntry>> _images = new(StringComparer.Ordinal);

    private bool IsProtectedArea(Process process, ulong va)
    {
        if (!_areas.TryGetValue(process.Pid, out var known)) return false;
        var area = Powers.Areas(process).FirstOrDefault(a => va >= a.Start && va < a.End);
        return area.End != 0 && known.Contains((area.Start, area.Kind, area.Segment));
    }

    /// <summary>The resident pages of <paramref name="process"/> that hold protected data (learning new protected areas on the way).</summary>
    private List<Target> ProtectedPages(Process process)
    {
        var areas = Powers.Areas(process);
        if (!_areas.TryGetValue(process.Pid, out var known)) _areas[process.Pid] = known = [];
        var pages = Powers.ResidentPages(process).Where(p => p.Kind != AreaKind.Foreign && Powers.Memory.Contains(p.Frame << 12, 4096)).ToList();
        foreach (var page in pages)
            if (_frames.Contains(page.Frame) && AreaOf(areas, page.VirtualAddress) is { } area) known.Add((area.Start, area.Kind, area.Segment));
        var targets = new List<Target>();
        foreach (var page in pages)
            if (AreaOf(areas, page.VirtualAddress) is { } area && known.Contains((area.Start, area.Kind, area.Segment)))
                targets.Add(new Target(process, page.VirtualAddress, page.Frame, area));
        return targets;
    }

    private static AreaInfo? AreaOf(IReadOnlyList<AreaInfo> areas, ulong va)
    {
        foreach (var a in areas)
            if (va >= a.Start && va < a.End) return a;
        return null;
    }

    /// <summary>A protected page of a random protected process (a shared one half the time when there is one), or null.</summary>
    private Target? AnyProtectedPage(Process? except = null)
    {
        var processes = ProtectedProcesses();
        if (processes.Count == 0) return null;
        var process = Choose(processes);
        var pages = ProtectedPages(process);
        bool shared = _random.Next(2) == 0;
        if (pages.Count == 0) return null;
        var preferred = shared ? pages.Where(p => p.Area.Kind == AreaKind.Shared).ToList() : pages;
        if (preferred.Count == 0) preferred = pages;
        var page = Choose(preferred);
        return except is not null && page.Process == except ? null : page;
    }

    /// <summary>The image regions of a sealed process's program (empty if its header cannot be found).</summary>
    private IReadOnlyList<SealedRegionEntry> ImageRegions(Process process)
    {
        if (_images.TryGetValue(process.Name, out var known)) return known;
        IReadOnlyList<SealedRegionEntry> regions = [];
        Span<byte> fixedPart = stackalloc byte[SealedImageHeader.FixedHeaderSize];
        foreach (var area in Powers.Areas(process).Where(a => a.Kind is AreaKind.Data or AreaKind.Text))
        {
            if (!Powers.ReadUserMemory(process, area.Start, fixedPart) || !fixedPart[..8].SequenceEqual(SealedImageHeader.Magic)) continue;
            if (!SealedImageHeader.TryReadLength(fixedPart, out int length, out _) || area.Start + (ulong)length > area.End) continue;
            var bytes = new byte[length];
            if (!Powers.ReadUserMemory(process, area.Start, bytes) || !SealedImageHeader.TryRead(bytes, out var header, out _)) continue;
            var list = new List<SealedRegionEntry>();
            for (int i = 0; i < header.RegionCount; i++) list.Add(header.Region(i));
            regions = list;
            break;
        }
        return _images[process.Name] = regions;
    }

    /// <summary>The chip's integrity instance of a protected process: the context id at the head of its sealed context (the OS keeps the blob).</summary>
    private uint? Instance(Process process) =>
        Powers.SavedContext(process).SealedState is { Length: >= 4 } blob ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob) : null;
}
