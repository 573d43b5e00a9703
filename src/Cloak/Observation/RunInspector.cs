using Cloak.Chip;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Os;

namespace Cloak.Observation;

/// <summary>One process as the inspector found it (or why it could not: <see cref="Problem"/>).</summary>
public sealed record ProcessInspection(int Pid, string Name, InspectionTarget Target, ContextInspection? Inspection, string? Problem = null);

/// <summary>Everything the inspector saw at one point of a run.</summary>
public sealed record InspectionSnapshot(InspectionPoint Point, string Moment, ulong Instructions, ulong Cycle, ulong Nanoseconds,
    bool Authenticated, IReadOnlyList<ProcessInspection> Processes);

/// <summary>
/// The inspector on an OS-model run (<c>--inspect-at</c> with <c>--inspect</c>): a passive kernel
/// observer that, at each requested point, asks the chip's <see cref="ProtectedMemoryInspector"/> for
/// each target process's plaintext view beside DRAM's. It looks only between run slices, when every
/// protected process is sealed, so what it shows is each process's state at that moment and the run
/// goes on unchanged. A host instrument: built from the <see cref="OsMachine"/> (its processor), which
/// the OS and the adversaries never hold (docs/threat-model.md, "The inspector").
/// </summary>
public sealed class RunInspector : Adversary
{
    private readonly OsMachine _machine;
    private readonly ProtectedMemoryInspector _chip;
    private readonly List<InspectionPoint> _pending;
    private readonly IReadOnlyList<InspectionTarget> _targets;
    private readonly List<InspectionSnapshot> _snapshots = [];

    private RunInspector(OsMachine machine, IReadOnlyList<InspectionPoint> points, IReadOnlyList<InspectionTarget> targets)
    {
        _machine = machine;
        _chip = new ProtectedMemoryInspector(machine.Processor);
        _pending = [.. points];
        _targets = targets;
    }

    public override string Name => "inspector";

    /// <summary>Attaches an inspector to <paramref name="machine"/> as a passive observer.</summary>
    public static RunInspector Attach(OsMachine machine, IReadOnlyList<InspectionPoint> points, IReadOnlyList<InspectionTarget> targets)
    {
        var inspector = new RunInspector(machine, points, targets);
        machine.Kernel.AttachObserver(inspector);
        return inspector;
    }

    /// <summary>The snapshots taken, in order.</summary>
    public IReadOnlyList<InspectionSnapshot> Snapshots => _snapshots;

    /// <summary>Points the run never reached (a step nobody announced, an instruction count beyond the end).</summary>
    public IReadOnlyList<InspectionPoint> Unreached => _pending;

    public override void OnGuestNote(GuestNoteEvent e)
    {
        foreach (var point in _pending.Where(p => p.Matches(e.Topic)).ToList())
            Take(point, $"{e.Process.Name} (pid {e.Process.Pid}) announced \"{e.Topic}\": {e.Text}");
    }

    public override void OnRunSlice(RunSliceEvent e)
    {
        ulong retired = _machine.Processor.Hart.InstructionsRetired;
        foreach (var point in _pending.Where(p => p.Instruction is { } n && retired >= n).ToList())
            Take(point, $"end of a run slice of {e.Process.Name} (pid {e.Process.Pid})");
    }

    private void Take(InspectionPoint point, string moment)
    {
        _pending.Remove(point);
        var processor = _machine.Processor;
        var found = new List<ProcessInspection>();
        var live = Powers.Processes.Where(p => p.State is not (ProcessState.Zombie or ProcessState.Reaped)).ToList();
        foreach (var target in _targets)
        {
            var matching = live.Where(p => target.Names(p.Pid, p.Name)).ToList();
            if (matching.Count == 0)
            {
                found.Add(new ProcessInspection(0, target.Process, target, null, $"no running process is {(char.IsAsciiDigit(target.Process[0]) ? "pid" : "named")} {target.Process} at this point"));
                continue;
            }
            foreach (var process in matching) found.Add(Inspect(process, target));
        }
        ulong cycle = processor.Hart.Cycles;
        _snapshots.Add(new InspectionSnapshot(point, moment, processor.Hart.InstructionsRetired, cycle,
            (ulong)((UInt128)cycle * 1_000_000_000 / processor.ClockHz), Powers.IntegrityMetadata is not null, found));
    }

    private ProcessInspection Inspect(Process process, InspectionTarget target)
    {
        var context = Powers.SavedContext(process);
        if (target.Address is { } address)
            return new ProcessInspection(process.Pid, process.Name, target, _chip.Inspect(context, [(address, target.Length)]));
        var regions = _chip.Regions(context);
        if (regions.Refusal != Platform.ContextRefusal.None)
            return new ProcessInspection(process.Pid, process.Name, target, regions);
        var ranges = regions.Regions.Where(r => target.Kind is null || r.Kind == target.Kind)
            .Select(r => (r.Start, Math.Min(r.Length, target.Length))).ToList();
        if (ranges.Count == 0)
            return new ProcessInspection(process.Pid, process.Name, target, regions,
                !regions.Protected ? "a plain process: it has no protected regions"
                : target.Kind is { } kind ? $"it has no {kind.ToString().ToLowerInvariant()} region at this point" : "it has no protected regions at this point");
        return new ProcessInspection(process.Pid, process.Name, target, _chip.Inspect(context, ranges));
    }
}
