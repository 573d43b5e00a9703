using Cloak.Kernel.Memory;
using Cloak.Platform;

namespace Cloak.Attacks.Chaos;

/// <summary>Actions on DRAM and on the integrity metadata the OS hosts.</summary>
public sealed partial class ChaosAdversary
{
    /// <summary>A copy of what the OS hosts for some regions: per page, counters and MACs; and the tree nodes.</summary>
    private sealed record MetadataCopy(
        List<(IntegrityRegion Region, uint Page, (ulong[] Counters, ulong[] Macs) Snapshot)> Pages,
        List<(IntegrityRegion Region, int Level, ulong Index, ulong Hash)> Nodes)
    {
        public string Describe(IReadOnlyList<IntegrityRegion> regions) =>
            $"{Pages.Count} metadata page(s) and {Nodes.Count} tree node(s) of region(s) {string.Join(",", Pages.Select(p => p.Region).Distinct().Select(r => Index(regions, r)))}";
    }

    private sealed record PageCopy(long Step, int Pid, ulong VirtualAddress, byte[] Bytes, MetadataCopy? Metadata);

    private sealed record MetadataFlip(ChaosActionKind Kind, IntegrityRegion Region, int Level, ulong Index, ulong Original, ulong Tampered);

    private readonly List<PageCopy> _pageCopies = [];
    private readonly List<MetadataCopy> _metadataCopies = [];
    private readonly List<MetadataFlip> _flips = [];
    private readonly HashSet<int> _tampered = [];
    private ulong _foreignPages;

    /// <summary>Where <see cref="MapForeign"/> maps frames: far above anything the kernel hands out, below the loader.</summary>
    private const ulong ForeignBase = 0x30_0000_0000;

    /// <summary>
    /// Processes whose protected data the chaos changed: a frame they mapped when it changed it, a swap
    /// slot holding their page, a frame put under their page. In confidentiality mode nothing stops such
    /// a process from running what the change made of its code or data, so what it then writes to plain
    /// memory is its own doing (docs/threat-model.md); the invariants tell that from a leak by the chip.
    /// </summary>
    public IReadOnlySet<int> TamperedProcesses => _tampered;

    /// <summary>Notes every live process that maps <paramref name="frame"/> as tampered with (a shared frame changes what all of them read).</summary>
    private void Tampered(ulong frame)
    {
        foreach (var process in Powers.Processes.Where(Alive))
            if (Powers.ResidentPages(process).Any(p => p.Frame == frame)) _tampered.Add(process.Pid);
    }

    private static int Index(IReadOnlyList<IntegrityRegion> regions, IntegrityRegion region)
    {
        for (int i = 0; i < regions.Count; i++)
            if (regions[i] == region) return i;
        return -1;
    }

    private void FlipDram()
    {
        if (AnyProtectedPage() is not { } page) return;
        int line = _random.Next(64), bit = _random.Next(512);
        ulong address = (page.Frame << 12) + (ulong)(line * 64 + bit / 8);
        byte value = Powers.Memory.Read(address, 1)[0];
        Powers.Memory.Write(address, [(byte)(value ^ (1 << (bit % 8)))]);
        Tampered(page.Frame);
        Record(ChaosActionKind.FlipDram, page.Process, $"{Describe(page)} line {line} byte {bit / 8} bit {bit % 8}");
    }

    private static string Describe(Target page) =>
        $"{page.Process.Name} {page.Process.Pid}'s {page.Area.Kind.ToString().ToLowerInvariant()} page 0x{page.VirtualAddress:x} (frame 0x{page.Frame:x})";

    private void FlipCounterOrMac(bool mac)
    {
        if (Powers.IntegrityMetadata is not { } metadata || metadata.Regions is not { Count: > 0 } regions) return;
        var region = Choose(regions);
        var pages = metadata.Pages(region);
        if (pages.Count == 0) return;
        uint page = Choose(pages);
        var counters = metadata.Snapshot(region, page).Counters;
        var written = Enumerable.Range(0, IntegrityMetadataStore.LinesPerPage).Where(i => counters[i] != 0).ToList();
        int offset = written.Count > 0 && _random.Next(2) == 0 ? Choose(written) : _random.Next(IntegrityMetadataStore.LinesPerPage);
        ulong line = (ulong)page * IntegrityMetadataStore.LinesPerPage + (ulong)offset;
        int bit = _random.Next(64);
        ulong original = mac ? metadata.ReadMac(region, line) : metadata.ReadCounter(region, line);
        ulong tampered = original ^ (1UL << bit);
        if (mac) metadata.WriteMac(region, line, tampered);
        else metadata.WriteCounter(region, line, tampered);
        var kind = mac ? ChaosActionKind.FlipMac : ChaosActionKind.FlipCounter;
        _flips.Add(new MetadataFlip(kind, region, -1, line, original, tampered));
        Record(kind, null, $"region #{Index(regions, region)} line {line} bit {bit}");
    }

    private void FlipTreeNode()
    {
        if (Powers.IntegrityMetadata is not { } metadata || metadata.Regions is not { Count: > 0 } regions) return;
        var region = Choose(regions);
        var nodes = metadata.Nodes(region).ToList();
        if (nodes.Count == 0) return;
        var ((level, index), hash) = Choose(nodes);
        int bit = _random.Next(64);
        ulong tampered = hash ^ (1UL << bit);
        metadata.WriteNode(region, level, index, tampered);
        _flips.Add(new MetadataFlip(ChaosActionKind.FlipTreeNode, region, level, index, hash, tampered));
        Record(ChaosActionKind.FlipTreeNode, null, $"region #{Index(regions, region)} level {level} node {index} bit {bit}");
    }

    /// <summary>Puts back what an earlier flip changed, if nothing (the chip) has written that value since.</summary>
    private void UnflipMetadata()
    {
        if (Powers.IntegrityMetadata is not { } metadata || _flips.Count == 0) return;
        var flip = Choose(_flips);
        _flips.Remove(flip);
        ulong now = flip.Kind switch
        {
            ChaosActionKind.FlipMac => metadata.ReadMac(flip.Region, flip.Index),
            ChaosActionKind.FlipCounter => metadata.ReadCounter(flip.Region, flip.Index),
            _ => metadata.Nodes(flip.Region).GetValueOrDefault((flip.Level, flip.Index)),
        };
        if (now != flip.Tampered) return;
        switch (flip.Kind)
        {
            case ChaosActionKind.FlipMac: metadata.WriteMac(flip.Region, flip.Index, flip.Original); break;
            case ChaosActionKind.FlipCounter: metadata.WriteCounter(flip.Region, flip.Index, flip.Original); break;
            default: metadata.WriteNode(flip.Region, flip.Level, flip.Index, flip.Original); break;
        }
        Record(ChaosActionKind.UnflipMetadata, null,
            $"undid the {flip.Kind} of region #{Index(metadata.Regions, flip.Region)} {(flip.Level >= 0 ? $"level {flip.Level} node" : "line")} {flip.Index}");
    }

    /// <summary>Everything the OS hosts for <paramref name="regions"/> now.</summary>
    private static MetadataCopy CopyMetadata(IntegrityMetadataStore metadata, IEnumerable<IntegrityRegion> regions)
    {
        var copy = new MetadataCopy([], []);
        foreach (var region in regions)
        {
            foreach (uint page in metadata.Pages(region)) copy.Pages.Add((region, page, metadata.Snapshot(region, page)));
            foreach (var ((level, index), hash) in metadata.Nodes(region)) copy.Nodes.Add((region, level, index, hash));
        }
        return copy;
    }

    private static void Restore(IntegrityMetadataStore metadata, MetadataCopy copy)
    {
        foreach (var (region, page, snapshot) in copy.Pages) metadata.Restore(region, page, snapshot);
        foreach (var (region, level, index, hash) in copy.Nodes) metadata.WriteNode(region, level, index, hash);
    }

    private const int MaxCopies = 8;

    private void Keep<T>(List<T> copies, T copy)
    {
        if (copies.Count >= MaxCopies) copies.RemoveAt(_random.Next(copies.Count));
        copies.Add(copy);
    }

    private void CapturePage()
    {
        if (AnyProtectedPage() is not { } page) return;
        var store = Powers.IntegrityMetadata;
        var metadata = store is null ? null : CopyMetadata(store, store.Regions);
        Keep(_pageCopies, new PageCopy(_step, page.Process.Pid, page.VirtualAddress, Powers.Memory.Read(page.Frame << 12, 4096).ToArray(), metadata));
        Record(ChaosActionKind.CapturePage, page.Process, $"{Describe(page)}{(store is null || metadata is null ? "" : " and " + metadata.Describe(store.Regions))}");
    }

    private void ReplayPage()
    {
        if (_pageCopies.Count == 0) return;
        var copy = Choose(_pageCopies);
        bool withMetadata = copy.Metadata is not null && _random.Next(3) != 0;
        if (Powers.Find(copy.Pid) is not { } process || !Alive(process) || Powers.FrameOf(process, copy.VirtualAddress) is not { } frame) return;
        if (Powers.Memory.Read(frame << 12, 4096).SequenceEqual(copy.Bytes)) return;
        Powers.Memory.Write(frame << 12, copy.Bytes);
        Tampered(frame);
        if (withMetadata) Restore(Powers.IntegrityMetadata!, copy.Metadata!);
        Record(ChaosActionKind.ReplayPage, process,
            $"page 0x{copy.VirtualAddress:x} (frame 0x{frame:x}) as captured at #{copy.Step}{(withMetadata ? ", with the metadata of then" : "")}");
    }

    private void CaptureMetadata()
    {
        if (Powers.IntegrityMetadata is not { } metadata || metadata.Regions is not { Count: > 0 } regions) return;
        var region = Choose(regions);
        var copy = CopyMetadata(metadata, [region]);
        Keep(_metadataCopies, copy);
        Record(ChaosActionKind.CaptureMetadata, null, copy.Describe(regions));
    }

    private void ReplayMetadata()
    {
        if (Powers.IntegrityMetadata is not { } metadata || _metadataCopies.Count == 0) return;
        var copy = Choose(_metadataCopies);
        Restore(metadata, copy);
        Record(ChaosActionKind.ReplayMetadata, null, copy.Describe(metadata.Regions));
    }

    /// <summary>
    /// Two running copies of one sealed image: a line of an image region moves from one to the other
    /// (same region, same offset), with its MAC and, half the time, its counter (authenticated mode).
    /// </summary>
    private void SpliceInstances()
    {
        var twins = ProtectedProcesses().GroupBy(p => p.Name).Where(g => g.Count() >= 2).Select(g => g.ToList()).ToList();
        if (twins.Count == 0) return;
        var group = Choose(twins);
        var victim = Choose(group);
        var donor = Choose(group);
        if (victim == donor) return;
        var regions = ImageRegions(victim);
        if (regions.Count == 0) return;
        var region = Choose(regions);
        var shared = new List<(ulong Va, ulong To, ulong From)>();
        for (ulong va = region.Start; va < region.End; va += 4096)
            if (Powers.FrameOf(victim, va) is { } to && Powers.FrameOf(donor, va) is { } from) shared.Add((va, to, from));
        if (shared.Count == 0) return;
        var (pageVa, toFrame, fromFrame) = Choose(shared);
        int offset = _random.Next(64);
        bool counterToo = _random.Next(2) == 0;
        byte[] line = Powers.Memory.Read((fromFrame << 12) + (ulong)offset * 64, 64).ToArray();
        Powers.Memory.Write((toFrame << 12) + (ulong)offset * 64, line);
        Tampered(toFrame);
        string moved = "";
        if (Powers.IntegrityMetadata is { } metadata && Instance(victim) is { } into && Instance(donor) is { } outOf)
        {
            var target = metadata.Regions.FirstOrDefault(r => r.RegionId == region.RegionId && r.Instance == into);
            var source = metadata.Regions.FirstOrDefault(r => r.RegionId == region.RegionId && r.Instance == outOf);
            if (target != default && source != default)
            {
                ulong index = (pageVa - region.Start) / 64 + (ulong)offset;
                metadata.WriteMac(target, index, metadata.ReadMac(source, index));
                if (counterToo) metadata.WriteCounter(target, index, metadata.ReadCounter(source, index));
                moved = counterToo ? " with its MAC and counter" : " with its MAC";
            }
        }
        Record(ChaosActionKind.SpliceInstances, victim, $"line {offset} of image page 0x{pageVa:x} from {donor.Name} {donor.Pid} into {victim.Name} {victim.Pid}{moved}");
    }

    /// <summary>A line (to the same or another offset) or a whole page, from one protected page to another.</summary>
    private void SpliceRegions()
    {
        if (AnyProtectedPage() is not { } from || AnyProtectedPage() is not { } to || from.Frame == to.Frame) return;
        Tampered(to.Frame);
        if (_random.Next(2) == 0)
        {
            Powers.Memory.Write(to.Frame << 12, Powers.Memory.Read(from.Frame << 12, 4096).ToArray());
            Record(ChaosActionKind.SpliceRegions, to.Process, $"the whole of {Describe(from)} over {Describe(to)}");
            return;
        }
        int source = _random.Next(64);
        int target = _random.Next(2) == 0 ? source : _random.Next(64);
        Powers.Memory.Write((to.Frame << 12) + (ulong)target * 64, Powers.Memory.Read((from.Frame << 12) + (ulong)source * 64, 64).ToArray());
        Record(ChaosActionKind.SpliceRegions, to.Process, $"line {source} of {Describe(from)} over line {target} of {Describe(to)}");
    }

    /// <summary>Maps a protected frame into some process at an address the kernel never uses: the power to remap, shown.</summary>
    private void MapForeign()
    {
        if (AnyProtectedPage() is not { } page) return;
        var into = Choose(Powers.Processes.Where(Alive).ToList());
        ulong va = ForeignBase + (_foreignPages++ << 12);
        if (!Powers.MapFrame(into, va, page.Frame, Protection.Read)) return;
        Record(ChaosActionKind.MapForeign, into, $"{Describe(page)} at 0x{va:x} of {into.Name} {into.Pid}");
    }

    public override void OnPageMapped(Kernel.Adversaries.PageEvent e)
    {
        _frames.Forget(e.Frame);
        if (!Usable(ChaosActionKind.SubstituteFrame) || !Alive(e.Process) || !e.Process.IsProtected) return;
        if (!Roll()) return;
        if (!IsProtectedArea(e.Process, e.VirtualAddress) || AnyProtectedPage() is not { } other || other.Frame == e.Frame) return;
        ulong original = e.Frame;
        e.Frame = other.Frame;
        // The victim reads another's ciphertext there, and its writes change what the frame's owners read.
        _tampered.Add(e.Process.Pid);
        Tampered(other.Frame);
        Record(ChaosActionKind.SubstituteFrame, e.Process,
            $"{e.Process.Name} {e.Process.Pid}'s page 0x{e.VirtualAddress:x} mapped to {Describe(other)} instead of frame 0x{original:x}");
    }
}
