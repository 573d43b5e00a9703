using Cloak.Attacks.Chaos;
using Cloak.Isa;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;

namespace Cloak.Chaos;

/// <summary>
/// The invariants checked while a chaos run goes, as a passive observer of the kernel (called after
/// the chaos at every hook, so it sees each action as it finally happened) with a probe on the bus:
/// no canary in any bus transfer, any message delivered, any slot swapped out, in the frames in use at
/// every context switch and after every action of the chaos, or anywhere in DRAM and swap at the end;
/// and no forged context resumed. It also notes each integrity fault with what the chaos had done
/// before it, for the end-of-run checks (<see cref="ChaosRun"/>).
/// </summary>
internal sealed class InvariantWatch(ChaosAdversary chaos, IReadOnlyList<(string Name, byte[] Bytes)> canaries) : Adversary, IBusTap
{
    private readonly List<Violation> _violations = [];
    private readonly HashSet<int> _expectRefusal = [];

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>Processes killed by an integrity fault, with whether the chaos had changed protected data or a message before.</summary>
    public List<(int Pid, bool AfterDataChange, bool AfterMessageChange)> IntegrityFaults { get; } = [];

    /// <summary>DRAM scans made (each reads every frame in use).</summary>
    public int Scans { get; private set; }

    public override string Name => "invariants";

    public override void OnAttached() => Powers.AttachBusTap(this);

    public void Observe(in BusTransfer transfer) => Search(transfer.Data, $"a bus {(transfer.IsLine ? "line" : "access")} {transfer.Direction} at 0x{transfer.Address:x}");

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        if (!e.Drop) Search(e.Payload, $"a message on '{e.Channel}' from {e.Sender}");
    }

    public override void OnSwapOut(SwapEvent e) => Search(Powers.Swap.Slot(e.Slot), $"swap slot {e.Slot} ({e.ObjectName} page {e.Page})");

    public override void OnContextSwitch(ContextSwitchEvent e) => ScanFramesInUse($"at the switch to {e.To}");

    public override void OnAdversaryAction(AdversaryActionEvent e)
    {
        if (e.Adversary == chaos.Name) ScanFramesInUse($"after the chaos's \"{e.Action}\"");
    }

    public override void OnResume(ProcessEvent e)
    {
        var blob = Powers.SavedContext(e.Process).SealedState;
        if (blob is not null && ReferenceEquals(blob, chaos.ForgedContext(e.Process.Pid))) _expectRefusal.Add(e.Process.Pid);
        else _expectRefusal.Remove(e.Process.Pid);
    }

    public override void OnRunSlice(RunSliceEvent e)
    {
        if (!_expectRefusal.Remove(e.Process.Pid) || e.End == SliceEnd.Refused) return;
        _violations.Add(new Violation(Invariant.ForgedContextResumed,
            $"{e.Process} ran {e.Instructions} instruction(s) on a sealed context the chaos forged (slice ended {e.End} {e.Cause})"));
    }

    public override void OnProcessExited(ProcessEvent e)
    {
        var p = e.Process;
        if (p.End != ProcessEnd.Fault || p.FatalTrap?.Cause != TrapCause.IntegrityFault) return;
        IntegrityFaults.Add((p.Pid, chaos.Actions.Any(a => ChaosActions.ChangesProtectedData(a.Kind)), chaos.Actions.Any(a => ChaosActions.ChangesMessages(a.Kind))));
    }

    public override void OnShutdown()
    {
        // At the end the OS reads all of DRAM, freed frames included, and every slot still in use.
        Scans++;
        for (ulong address = Powers.Memory.BaseAddress; address < Powers.Memory.EndAddress; address += 4096)
            Search(Powers.Memory.Read(address, 4096), $"DRAM at shutdown, frame 0x{address >> 12:x}");
        foreach (int slot in Powers.Swap.Slots) Search(Powers.Swap.Slot(slot), $"swap slot {slot} at shutdown");
        Powers.DetachBusTap(this);
    }

    private void ScanFramesInUse(string when)
    {
        Scans++;
        foreach (ulong frame in Powers.FramesInUse())
            Search(Powers.Memory.Read(frame << 12, 4096), $"DRAM frame 0x{frame:x} {when}");
    }

    private void Search(ReadOnlySpan<byte> bytes, string where)
    {
        foreach (var (name, canary) in canaries)
        {
            int at = bytes.IndexOf(canary);
            if (at >= 0 && _violations.Count < 100) _violations.Add(new Violation(Invariant.CanaryLeaked, $"{name} in {where}, offset {at}"));
        }
    }
}
