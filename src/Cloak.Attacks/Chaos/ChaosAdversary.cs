using Cloak.Kernel;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks.Chaos;

/// <summary>
/// A hostile OS that does a bit of everything, at random moments, driven by one seed: bit flips in
/// protected frames, swap slots and the integrity metadata; replays of earlier pages, slots and
/// metadata; splices between two running copies of one sealed image, between regions and between swap
/// slots; forged, swapped and replayed saved contexts; duplicated processes given another's context;
/// frames remapped into other processes; messages dropped, delayed, altered and injected. Every action
/// is declared (<see cref="Adversary.Declare"/>), so it shows in traces, and kept in <see cref="Actions"/>.
/// <para>
/// It has the powers of the OS and nothing more (this assembly cannot name the chip): it learns which
/// frames hold protected data the way a probe on the bus would, from the encrypted line transfers it
/// sees there, and tampers only with those (plain memory, which the processes hand the OS on purpose,
/// is the OS's to change and proves nothing). Its decisions depend on the seed and on the sequence of
/// kernel events only, never on the bytes of keys or ciphertext, so the same seed on the same
/// programs makes the same choices (docs/reliability.md says exactly when runs repeat).
/// </para>
/// </summary>
public sealed partial class ChaosAdversary : Adversary
{
    private readonly Random _random;
    private readonly List<ChaosAction> _actions = [];
    private readonly HashSet<string> _tamperedChannels = new(StringComparer.Ordinal);
    private readonly Dictionary<int, byte[]> _forged = [];
    private readonly HashSet<int> _started = [];
    private long _step;

    public ChaosAdversary(ChaosSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _random = new Random(settings.Seed);
    }

    public ChaosSettings Settings { get; }

    public override string Name => "chaos";

    /// <summary>Everything it did, in order.</summary>
    public IReadOnlyList<ChaosAction> Actions => _actions;

    /// <summary>Channels on which it dropped, altered or injected a message (a pure delay does not count).</summary>
    public IReadOnlySet<string> TamperedChannels => _tamperedChannels;

    /// <summary>Processes it started (duplicates): not members of anything.</summary>
    public IReadOnlySet<int> StartedProcesses => _started;

    /// <summary>
    /// The sealed context it last forged for a process (the very array it put into the process's
    /// saved context), or null: while the process's saved context is this array, the chip must refuse
    /// to resume it (SPEC R4).
    /// </summary>
    public byte[]? ForgedContext(int pid) => _forged.GetValueOrDefault(pid);

    /// <summary>Hook calls so far (the step numbers of <see cref="Actions"/>).</summary>
    public long Steps => _step;

    public override void OnAttached() => Powers.AttachBusTap(_frames);

    public override void OnShutdown() => Powers.DetachBusTap(_frames);

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        // Learn which of its areas hold protected data while it is off the hart (what the bus showed so far).
        if (Alive(e.To) && e.To.IsProtected) ProtectedPages(e.To);
        Tick();
    }

    public override void OnRunSlice(RunSliceEvent e) => Tick();

    public override void OnPageFault(PageFaultEvent e) => Tick();

    public override void OnGuestNote(GuestNoteEvent e) => Tick();

    public override void OnSyscall(SyscallEvent e)
    {
        // A process about to wait is where held messages go out: nobody can block for ever on a message the chaos holds.
        if ((Syscall)e.Number is Syscall.ChanRecv or Syscall.Wait4 or Syscall.NanoSleep)
        {
            ReleaseHeld();
            ReleaseReordering(e.Process.Pid);
        }
        Tick();
    }

    public override void OnProcessExited(ProcessEvent e)
    {
        ReleaseHeld();
        ReleaseReordering(null);
        _areas.Remove(e.Process.Pid);
        _contextCopies.Remove(e.Process.Pid);
    }

    /// <summary>A generic moment: with probability <see cref="ChaosSettings.Rate"/>, one of the actions that need no particular event.</summary>
    private void Tick()
    {
        if (!Roll()) return;
        switch (Pick(GenericKinds))
        {
            case ChaosActionKind.FlipDram: FlipDram(); break;
            case ChaosActionKind.FlipSwap: FlipSwap(null); break;
            case ChaosActionKind.FlipCounter: FlipCounterOrMac(mac: false); break;
            case ChaosActionKind.FlipMac: FlipCounterOrMac(mac: true); break;
            case ChaosActionKind.FlipTreeNode: FlipTreeNode(); break;
            case ChaosActionKind.UnflipMetadata: UnflipMetadata(); break;
            case ChaosActionKind.CapturePage: CapturePage(); break;
            case ChaosActionKind.ReplayPage: ReplayPage(); break;
            case ChaosActionKind.CaptureMetadata: CaptureMetadata(); break;
            case ChaosActionKind.ReplayMetadata: ReplayMetadata(); break;
            case ChaosActionKind.SpliceInstances: SpliceInstances(); break;
            case ChaosActionKind.SpliceRegions: SpliceRegions(); break;
            case ChaosActionKind.SpliceSwap: SpliceSwap(null); break;
            case ChaosActionKind.MapForeign: MapForeign(); break;
            case ChaosActionKind.Duplicate: Duplicate(); break;
        }
    }

    private static readonly ChaosActionKind[] GenericKinds =
    [
        ChaosActionKind.FlipDram, ChaosActionKind.FlipSwap, ChaosActionKind.FlipCounter, ChaosActionKind.FlipMac, ChaosActionKind.FlipTreeNode,
        ChaosActionKind.UnflipMetadata, ChaosActionKind.CapturePage, ChaosActionKind.ReplayPage, ChaosActionKind.CaptureMetadata,
        ChaosActionKind.ReplayMetadata, ChaosActionKind.SpliceInstances, ChaosActionKind.SpliceRegions, ChaosActionKind.SpliceSwap,
        ChaosActionKind.MapForeign, ChaosActionKind.Duplicate,
    ];

    /// <summary>Counts a hook call and decides whether to act at it.</summary>
    private bool Roll()
    {
        _step++;
        return _actions.Count < Settings.MaxActions && _random.NextDouble() < Settings.Rate;
    }

    /// <summary>One of <paramref name="kinds"/> this run may use (null if none): always one draw, so the sequence of draws does not depend on the outcome.</summary>
    private ChaosActionKind? Pick(ChaosActionKind[] kinds)
    {
        var usable = kinds.Where(Usable).ToArray();
        int draw = _random.Next(Math.Max(1, usable.Length));
        return usable.Length == 0 ? null : usable[draw];
    }

    private bool Usable(ChaosActionKind kind) =>
        Settings.Kinds.Contains(kind) && (!ChaosActions.NeedsMetadata(kind) || Powers.IntegrityMetadata is not null);

    /// <summary>Keeps and declares an action.</summary>
    private void Record(ChaosActionKind kind, Process? target, string detail)
    {
        var action = new ChaosAction(_step, kind, target?.Pid, detail);
        _actions.Add(action);
        Declare($"{kind}: {detail}", target);
    }

    private static bool Alive(Process p) => p.State is not (ProcessState.Zombie or ProcessState.Reaped);

    /// <summary>Processes running protected now, in pid order.</summary>
    private List<Process> ProtectedProcesses() => [.. Powers.Processes.Where(p => Alive(p) && p.IsProtected)];

    private T Choose<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
