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
/// <para>
/// One exception, on evidence only: a canary found in DRAM, swap or a message that a process the
/// chaos had tampered with put there itself, in plain, is that program disclosing its own data (in
/// confidentiality mode nothing stops it running what the chaos made of its code: threat-model.md),
/// not a leak. <paramref name="tampered"/> says which processes count (none in authenticated mode,
/// where the chip must stop them instead); a <see cref="PlainWriteLedger"/> keeps which of them stored
/// which bytes in plain, from the bus. A canary in a line on the bus is never excused: lines leave the
/// chip only through its encryption.
/// </para>
/// </summary>
internal sealed class InvariantWatch(ChaosAdversary chaos, IReadOnlyList<(string Name, byte[] Bytes)> canaries, Func<int, bool> tampered) : Adversary, IBusTap
{
    private readonly List<Violation> _violations = [];
    private readonly List<string> _disclosures = [];
    private readonly HashSet<int> _expectRefusal = [];
    private readonly PlainWriteLedger _ledger = new();
    private Process? _running;

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>Canaries found where a tampered program stored them in plain itself (not violations: <see cref="PlainWriteLedger"/>).</summary>
    public IReadOnlyList<string> Disclosures => _disclosures;

    /// <summary>Processes killed by an integrity fault, with whether the chaos had changed protected data or a message before.</summary>
    public List<(int Pid, bool AfterDataChange, bool AfterMessageChange)> IntegrityFaults { get; } = [];

    /// <summary>DRAM scans made (each reads every frame in use).</summary>
    public int Scans { get; private set; }

    public override string Name => "invariants";

    public override void OnAttached() => Powers.AttachBusTap(this);

    public void Observe(in BusTransfer transfer)
    {
        Search(transfer.Data, $"a bus {(transfer.IsLine ? "line" : "access")} {transfer.Direction} at 0x{transfer.Address:x}", NotExcused);
        if (transfer.Direction != BusDirection.Write) return;
        if (transfer.IsLine) _ledger.LineWritten(transfer.Address, transfer.Data.Length);
        else _ledger.Store(transfer.Address, transfer.Data, _running is { } p && tampered(p.Pid) ? p.Pid : null);
    }

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        // The kernel copied the payload out of the sender's memory at its request: a tampered sender chose to send it.
        int sender = e.Sender.Pid;
        if (!e.Drop) Search(e.Payload, $"a message on '{e.Channel}' from {e.Sender}", (_, _) => tampered(sender) ? sender : null);
    }

    public override void OnSwapOut(SwapEvent e)
    {
        Search(Powers.Swap.Slot(e.Slot), $"swap slot {e.Slot} ({e.ObjectName} page {e.Page})", (at, canary) => _ledger.WriterOf((e.Frame << 12) + (ulong)at, canary));
        _ledger.SwapOut(e.Frame, e.Slot);
    }

    public override void OnSwapIn(SwapEvent e) => _ledger.SwapIn(e.Slot, e.Frame);

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        _running = e.To;
        ScanFramesInUse($"at the switch to {e.To}");
    }

    public override void OnAdversaryAction(AdversaryActionEvent e)
    {
        if (e.Adversary == chaos.Name) ScanFramesInUse($"after the chaos's \"{e.Action}\"");
    }

    public override void OnResume(ProcessEvent e)
    {
        _running = e.Process;
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
            SearchFrame(address >> 12, $"DRAM at shutdown, frame 0x{address >> 12:x}");
        foreach (int slot in Powers.Swap.Slots)
        {
            Search(Powers.Swap.Slot(slot), $"swap slot {slot} at shutdown", (at, canary) => _ledger.WriterInSlot(slot, at, canary));
        }
        Powers.DetachBusTap(this);
    }

    private void ScanFramesInUse(string when)
    {
        Scans++;
        foreach (ulong frame in Powers.FramesInUse()) SearchFrame(frame, $"DRAM frame 0x{frame:x} {when}");
    }

    private void SearchFrame(ulong frame, string where)
    {
        Search(Powers.Memory.Read(frame << 12, 4096), where, (at, canary) => _ledger.WriterOf((frame << 12) + (ulong)at, canary));
    }

    private static int? NotExcused(int at, byte[] canary) => null;

    /// <summary>Every occurrence of every canary in <paramref name="bytes"/>: a violation unless <paramref name="storedBy"/> names the tampered process that put it there.</summary>
    private void Search(ReadOnlySpan<byte> bytes, string where, Func<int, byte[], int?> storedBy)
    {
        foreach (var (name, canary) in canaries)
            for (int from = 0, found; (found = bytes[from..].IndexOf(canary)) >= 0; from += found + 1)
            {
                int at = from + found;
                if (storedBy(at, canary) is { } pid)
                {
                    if (_disclosures.Count < 100)
                        _disclosures.Add($"{name} in {where}, offset {at}: stored in plain by pid {pid}, whose protected data the chaos had changed");
                }
                else if (_violations.Count < 100)
                {
                    _violations.Add(new Violation(Invariant.CanaryLeaked, $"{name} in {where}, offset {at}"));
                }
            }
    }
}
