using System.Globalization;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Attacks;

/// <summary>
/// A place in a victim process's memory, as the OS names it: a virtual address (<c>0x1000</c>), or an
/// area of a kind (<c>shared</c>, <c>heap</c>, <c>stack</c>, <c>data</c>: the largest such area) plus an
/// offset (<c>shared+64</c>). The OS finds the frame behind it through the victim's page table.
/// </summary>
public sealed record MemoryTarget(ulong? Address, AreaKind? Area, ulong Offset = 0)
{
    public static MemoryTarget Parse(string text)
    {
        string t = text.Trim();
        ulong offset = 0;
        int plus = t.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            offset = Number(t[(plus + 1)..], text);
            t = t[..plus];
        }
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || (t.Length > 0 && char.IsAsciiDigit(t[0])))
            return new MemoryTarget(Number(t, text) + offset, null);
        return Enum.TryParse<AreaKind>(t, ignoreCase: true, out var kind) && !int.TryParse(t, out _)
            ? new MemoryTarget(null, kind, offset)
            : throw new FormatException($"'{text}': expected an address (0x...) or an area (shared, heap, stack, data, text, anonymous), optionally +OFFSET");
    }

    private static ulong Number(string text, string whole)
    {
        string t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok ? v : throw new FormatException($"'{whole}': '{text}' is not a number");
    }

    /// <summary>The virtual address in <paramref name="victim"/>, or null if it has no such area.</summary>
    public ulong? Resolve(Process victim, AdversaryPowers powers)
    {
        if (Address is { } address) return address;
        var area = powers.Areas(victim).Where(a => a.Kind == Area).OrderByDescending(a => a.End - a.Start).FirstOrDefault();
        return area.End == 0 || area.Start + Offset >= area.End ? null : area.Start + Offset;
    }

    public override string ToString() => Address is { } a ? $"0x{a:x}" : $"{Area?.ToString().ToLowerInvariant()}{(Offset == 0 ? "" : $"+{Offset}")}";
}

/// <summary>
/// Flips one bit of the byte at <paramref name="target"/> of process <paramref name="victim"/> in DRAM
/// when <paramref name="trigger"/> fires (retrying at the victim's next slices while the page is not
/// resident). What it shows: confidentiality mode does not notice; authenticated mode raises an
/// integrity fault when the line is next filled.
/// </summary>
public sealed class MemoryTamper(string victim, MemoryTarget target, Trigger trigger) : Adversary
{
    private readonly TriggerWatch _watch = new(trigger, victim);

    public override string Name => "tamper";

    /// <summary>Where it struck (virtual, physical), once it did.</summary>
    public (ulong VirtualAddress, ulong PhysicalAddress, Process Victim)? Struck { get; private set; }

    public Trigger Trigger => trigger;
    public MemoryTarget Target => target;
    public string VictimName => victim;

    public override void OnGuestNote(GuestNoteEvent e)
    {
        if (_watch.OnNote(e, Powers)) TryStrike();
    }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (_watch.OnSwitch(e) || (_watch.Fired && Struck is null)) TryStrike();
    }

    public override void OnRunSlice(RunSliceEvent e)
    {
        if (_watch.OnSlice(e) || (_watch.Fired && Struck is null && e.Process.Name == victim)) TryStrike();
    }

    private void TryStrike()
    {
        if (Struck is not null || _watch.Victim is not { } process || process.State is ProcessState.Zombie or ProcessState.Reaped) return;
        if (target.Resolve(process, Powers) is not { } va || Powers.FrameOf(process, va) is not { } frame) return; // not resident yet: next time
        ulong pa = (frame << 12) + (va & 0xFFF);
        byte b = Powers.Memory.Read(pa, 1)[0];
        Powers.Memory.Write(pa, [(byte)(b ^ 0x01)]);
        Struck = (va, pa, process);
        Declare($"flipped bit 0 of {process.Name} {process.Pid}'s byte at 0x{va:x} (frame 0x{frame:x}) {trigger}", process);
    }
}

/// <summary>
/// Captures the page at <paramref name="target"/> of <paramref name="victim"/> (and, in authenticated
/// mode, every counter, MAC and tree node the OS hosts) when <paramref name="capture"/> fires, and puts
/// them all back when <paramref name="restore"/> fires: the victim would read the old data again.
/// Confidentiality mode cannot tell; authenticated mode's on-chip root can.
/// </summary>
public sealed class MemoryReplay(string victim, MemoryTarget target, Trigger capture, Trigger restore) : Adversary
{
    private readonly TriggerWatch _capture = new(capture, victim);
    private readonly TriggerWatch _restore = new(restore, victim);
    private byte[]? _page;
    private ulong _va;
    private readonly List<(Platform.IntegrityRegion Region, uint Page, (ulong[] Counters, ulong[] Macs) Snapshot)> _metadata = [];
    private readonly List<(Platform.IntegrityRegion Region, int Level, ulong Index, ulong Hash)> _nodes = [];

    public override string Name => "replay";

    public bool Captured => _page is not null;
    public (ulong VirtualAddress, Process Victim)? Restored { get; private set; }
    public string VictimName => victim;
    public MemoryTarget Target => target;

    public override void OnGuestNote(GuestNoteEvent e)
    {
        if (_capture.OnNote(e, Powers) || (_capture.Fired && !Captured)) TryCapture();
        if (_restore.OnNote(e, Powers) && Captured) TryRestore();
    }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (_capture.OnSwitch(e) || (_capture.Fired && !Captured)) TryCapture();
        if ((_restore.OnSwitch(e) || (_restore.Fired && Restored is null)) && Captured) TryRestore();
    }

    public override void OnRunSlice(RunSliceEvent e)
    {
        if (_capture.OnSlice(e) || (_capture.Fired && !Captured && e.Process.Name == victim)) TryCapture();
        if ((_restore.OnSlice(e) || (_restore.Fired && Restored is null && e.Process.Name == victim)) && Captured) TryRestore();
    }

    private void TryCapture()
    {
        if (Captured || _capture.Victim is not { } process || process.State is ProcessState.Zombie or ProcessState.Reaped) return;
        if (target.Resolve(process, Powers) is not { } va || Powers.FrameOf(process, va) is not { } frame) return;
        _va = va & ~0xFFFUL;
        _page = Powers.Memory.Read(frame << 12, 4096).ToArray();
        if (Powers.IntegrityMetadata is { } metadata)
            foreach (var region in metadata.Regions)
            {
                foreach (var ((level, index), hash) in metadata.Nodes(region)) _nodes.Add((region, level, index, hash));
                for (uint page = 0; page < 1024; page++)
                {
                    var snapshot = metadata.Snapshot(region, page);
                    if (snapshot.Counters.Any(c => c != 0)) _metadata.Add((region, page, snapshot));
                }
            }
        Declare($"captured {process.Name} {process.Pid}'s page at 0x{_va:x}{(Powers.IntegrityMetadata is null ? "" : " and the integrity metadata the OS hosts")} {capture}", process);
    }

    private void TryRestore()
    {
        if (Restored is not null || _page is null || _restore.Victim is not { } process || process.State is ProcessState.Zombie or ProcessState.Reaped) return;
        if (Powers.FrameOf(process, _va) is not { } frame) return;
        Powers.Memory.Write(frame << 12, _page);
        if (Powers.IntegrityMetadata is { } metadata)
        {
            foreach (var (region, page, snapshot) in _metadata) metadata.Restore(region, page, snapshot);
            foreach (var (region, level, index, hash) in _nodes) metadata.WriteNode(region, level, index, hash);
        }
        Restored = (_va, process);
        Declare($"put back {process.Name} {process.Pid}'s old page at 0x{_va:x}{(Powers.IntegrityMetadata is null ? "" : " with its old counters, MACs and tree nodes")} {restore}", process);
    }
}
