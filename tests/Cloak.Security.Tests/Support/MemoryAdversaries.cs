using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// Splice in DRAM: at the victim's <paramref name="atRun"/>-th scheduling (or the first one after it
/// when both pages are resident), copies the 64-byte line at <paramref name="sourceVa"/> over the line
/// at <paramref name="targetVa"/>. With no source, the line comes from the victim's first resident
/// heap page (another region, under another key).
/// </summary>
internal sealed class LineSpliceAdversary(string victim, ulong targetVa, ulong? sourceVa, int atRun) : VictimAdversary(victim)
{
    public bool Spliced { get; private set; }

    protected override void OnVictimRun(Process victim, int run)
    {
        if (Spliced || run < atRun) return;
        ulong? source = sourceVa is { } va ? PhysicalOf(victim, va)
            : Resident(victim, AreaKind.Heap).Select(p => (ulong?)(p.Frame << 12)).FirstOrDefault();
        if (source is not { } from || PhysicalOf(victim, targetVa) is not { } to) return;
        byte[] line = Powers.Memory.Read(from & ~63UL, 64).ToArray();
        if (line.AsSpan().SequenceEqual(Powers.Memory.Read(to & ~63UL, 64))) return;
        Powers.Memory.Write(to & ~63UL, line);
        Spliced = true;
    }
}

/// <summary>
/// Replay in DRAM: captures the line at <paramref name="va"/> at the victim's
/// <paramref name="captureAtRun"/>-th scheduling and, at the first later scheduling where the line has
/// changed, writes the old ciphertext back. With <paramref name="metadata"/>, it also rolls the
/// region's off-chip integrity metadata back to the moment of capture (counters, MACs and tree
/// nodes: everything but the on-chip root), so the old line arrives with its old MAC and counter.
/// </summary>
internal sealed class LineReplayAdversary(string victim, ulong va, int captureAtRun, IntegrityMetadataStore? metadata = null,
    SealedRegion? region = null) : VictimAdversary(victim)
{
    private byte[]? _line;
    private (ulong[] Counters, ulong[] Macs) _page;
    private IReadOnlyDictionary<(int Level, ulong Index), ulong>? _nodes;
    private IntegrityRegion _metadataRegion;

    public bool Captured => _line is not null;
    public bool Replayed { get; private set; }

    /// <summary>The line's write counter when captured (authenticated mode with metadata).</summary>
    public ulong CapturedCounter { get; private set; }

    protected override void OnVictimRun(Process victim, int run)
    {
        if (Replayed || run < captureAtRun || PhysicalOf(victim, va) is not { } pa) return;
        ulong line = pa & ~63UL;
        if (_line is null)
        {
            _line = Powers.Memory.Read(line, 64).ToArray();
            if (metadata is not null && region is not null)
            {
                _metadataRegion = metadata.Regions.Single(r => r.RegionId == region.RegionId);
                ulong index = (va - region.Start) / 64;
                _page = metadata.Snapshot(_metadataRegion, (uint)(index / IntegrityMetadataStore.LinesPerPage));
                _nodes = metadata.Nodes(_metadataRegion);
                CapturedCounter = metadata.ReadCounter(_metadataRegion, index);
            }
            return;
        }
        if (_line.AsSpan().SequenceEqual(Powers.Memory.Read(line, 64))) return;
        Powers.Memory.Write(line, _line);
        if (metadata is not null && region is not null && _nodes is not null)
        {
            ulong index = (va - region.Start) / 64;
            metadata.Restore(_metadataRegion, (uint)(index / IntegrityMetadataStore.LinesPerPage), _page);
            foreach (var ((level, node), hash) in _nodes) metadata.WriteNode(_metadataRegion, level, node, hash);
        }
        Replayed = true;
    }
}

/// <summary>
/// Follows the victim's page holding <paramref name="va"/> into swap (from its first swap-out after the
/// victim's <paramref name="afterRun"/>-th scheduling, so the attack lands on live data rather than on
/// a page still being initialised) and tampers with its slot at a later swap-in:
/// <see cref="SwapAttack.BitFlip"/> flips one bit of the line at <paramref name="va"/>;
/// <see cref="SwapAttack.Splice"/> copies the page's first line over the line at <paramref name="va"/>;
/// <see cref="SwapAttack.Replay"/> hands back the slot's first captured copy once the page has changed;
/// <see cref="SwapAttack.ReplayWithMetadata"/> does the same and also rolls the region's integrity
/// metadata (counters, MACs, tree nodes) back to that moment (authenticated mode).
/// </summary>
internal sealed class SwapTamperAdversary(string victim, ulong va, SwapAttack attack, int afterRun, IntegrityMetadataStore? metadata = null,
    SealedRegion? region = null) : VictimAdversary(victim)
{
    private ulong _pendingFrame;
    private (string Object, int Page)? _target;
    private byte[]? _slot;
    private (ulong[] Counters, ulong[] Macs) _page;
    private IReadOnlyDictionary<(int Level, ulong Index), ulong>? _nodes;
    private IntegrityRegion _metadataRegion;

    public bool Tampered { get; private set; }

    public override void OnPageUnmapped(PageEvent e)
    {
        if (Runs >= afterRun && e.Process.Name == Victim && e.VirtualAddress == (va & ~0xFFFUL)) _pendingFrame = e.Frame;
    }

    public override void OnSwapOut(SwapEvent e)
    {
        if (_pendingFrame == 0 || e.Frame != _pendingFrame) return;
        _pendingFrame = 0;
        _target ??= (e.ObjectName, e.Page);
        if (_target != (e.ObjectName, e.Page) || _slot is not null || attack is not (SwapAttack.Replay or SwapAttack.ReplayWithMetadata)) return;
        _slot = Powers.Swap.Slot(e.Slot).ToArray();
        if (attack == SwapAttack.ReplayWithMetadata && metadata is not null && region is not null)
        {
            _metadataRegion = metadata.Regions.Single(r => r.RegionId == region.RegionId);
            _page = metadata.Snapshot(_metadataRegion, PageIndex);
            _nodes = metadata.Nodes(_metadataRegion);
        }
    }

    private uint PageIndex => (uint)(((va & ~0xFFFUL) - region!.Start) / 4096);

    public override void OnSwapIn(SwapEvent e)
    {
        if (Tampered || _target != (e.ObjectName, e.Page)) return;
        var slot = Powers.Swap.Slot(e.Slot);
        int line = (int)(va & 0xFC0);
        switch (attack)
        {
            case SwapAttack.BitFlip:
                slot[line + 5] ^= 0x10;
                Tampered = true;
                return;
            case SwapAttack.Splice:
                if (line == 0) throw new InvalidOperationException("splice target must not be the page's first line");
                slot[..64].CopyTo(slot[line..(line + 64)]);
                Tampered = true;
                return;
        }
        if (_slot is null || _slot.AsSpan().SequenceEqual(slot)) return;
        _slot.CopyTo(slot);
        if (attack == SwapAttack.ReplayWithMetadata && metadata is not null && region is not null && _nodes is not null)
        {
            metadata.Restore(_metadataRegion, PageIndex, _page);
            foreach (var ((level, node), hash) in _nodes) metadata.WriteNode(_metadataRegion, level, node, hash);
        }
        Tampered = true;
    }
}

internal enum SwapAttack { BitFlip, Splice, Replay, ReplayWithMetadata }

/// <summary>Records, for pages of the objects <paramref name="watched"/> selects by name, the frame each left and the frame it came back to.</summary>
internal sealed class SwapFrameWatcher(Func<string, bool> watched) : Adversary
{
    private readonly Dictionary<(string Object, int Page), ulong> _leftFrom = [];

    public int SwapOuts { get; private set; }
    public int SwapIns { get; private set; }
    public int CameBackElsewhere { get; private set; }

    public override void OnSwapOut(SwapEvent e)
    {
        if (!watched(e.ObjectName)) return;
        SwapOuts++;
        _leftFrom[(e.ObjectName, e.Page)] = e.Frame;
    }

    public override void OnSwapIn(SwapEvent e)
    {
        if (!_leftFrom.TryGetValue((e.ObjectName, e.Page), out ulong frame)) return;
        SwapIns++;
        if (frame != e.Frame) CameBackElsewhere++;
    }
}

/// <summary>
/// Page aliasing (a splice by page table): the next time the kernel maps the victim's page at
/// <paramref name="aliasVa"/> (after the victim's <paramref name="afterRun"/>-th scheduling, e.g. when it
/// comes back from swap), the adversary points it at the frame of the victim's page at
/// <paramref name="sourceVa"/> instead, so two virtual pages of one region share one frame.
/// </summary>
internal sealed class PageAliasAdversary(string victim, ulong aliasVa, ulong sourceVa, int afterRun) : VictimAdversary(victim)
{
    public bool Aliased { get; private set; }

    public override void OnPageMapped(PageEvent e)
    {
        if (Aliased || Runs < afterRun || e.Process.Name != Victim || e.VirtualAddress != (aliasVa & ~0xFFFUL)) return;
        if (FrameOf(e.Process, sourceVa) is not { } frame) return;
        e.Frame = frame;
        Aliased = true;
    }
}
