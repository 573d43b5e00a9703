using Cloak.BareMetal;
using Cloak.Chip;
using Cloak.Isa;
using Cloak.Kernel;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Adversaries;
using Cloak.Os;
using Cloak.Platform;

namespace Cloak.Observation;

/// <summary>
/// The host's instrument on a run: it listens to the OS model (as a passive observer, after every
/// adversary) and to the chip (<see cref="Processor.Observer"/>, a host power), counts everything per
/// process and per region into <see cref="Statistics"/>, and turns what happens into
/// <see cref="RunEvent"/>s for the sinks attached (event files, timelines, reports). Chip events are
/// attributed to the process running on the hart when they happen. Nothing it records is key
/// material or protected plaintext: the chip reports ids and statuses, the kernel what the OS sees.
/// </summary>
public sealed class RunRecorder
{
    private readonly List<IRunEventSink> _sinks = [];
    private readonly HashSet<EventCategory> _wanted = [];
    private readonly Processor _processor;
    private readonly Dictionary<uint, int> _contextOwners = [];
    private readonly Dictionary<int, Process> _processes = [];
    private readonly Dictionary<Process, SyscallEvent> _pendingSyscalls = [];
    private readonly HashSet<string> _debuggablePrograms = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private Process? _running;
    private ChipCounters _sliceStart;
    private bool _completed;

    private RunRecorder(Processor processor, RunStatistics statistics)
    {
        _processor = processor;
        Statistics = statistics;
    }

    public RunStatistics Statistics { get; }

    /// <summary>Host time since the recorder was attached.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Simulated nanoseconds now.</summary>
    public ulong Nanoseconds => (ulong)((UInt128)_processor.Hart.Cycles * 1_000_000_000 / _processor.ClockHz);

    /// <summary>The process on the hart now (null between slices).</summary>
    public Process? Running => _running;

    /// <summary>Processes started and not yet ended.</summary>
    public int Alive { get; private set; }

    /// <summary>The last protocol step a guest announced, for progress lines ("owner: claim 8(c)").</summary>
    public string? LastStep { get; private set; }

    /// <summary>Called after every run slice (OS mode) or every few million instructions: where a progress display hooks in.</summary>
    public event Action? Tick;

    /// <summary>Instruments an OS machine. Attach adversaries before or after: the recorder always sees the final version of each action.</summary>
    public static RunRecorder Attach(OsMachine machine, IReadOnlyDictionary<string, object?> configuration)
    {
        var recorder = new RunRecorder(machine.Processor, new RunStatistics
        {
            Mode = "os",
            Configuration = configuration,
            Latency = machine.Processor.Options.Security.Latency,
            Timing = machine.Processor.Options.Security.Timing,
        });
        machine.Kernel.AttachObserver(new KernelTap(recorder));
        machine.Processor.Observer = new ChipTap(recorder);
        recorder._clock.Start();
        return recorder;
    }

    /// <summary>
    /// Says that the program registered as <paramref name="programName"/> is a sealed image marked
    /// debuggable (its header's flag; the kernel knows only that an image is sealed): the processes
    /// started from it afterwards are counted as debuggable. Call it before the processes start.
    /// </summary>
    public void MarkDebuggable(string programName) => _debuggablePrograms.Add(programName);

    /// <summary>Instruments a bare-metal machine (no OS: one program, the whole machine).</summary>
    public static RunRecorder Attach(BareMetalMachine machine, IReadOnlyDictionary<string, object?> configuration)
    {
        var recorder = new RunRecorder(machine.Processor, new RunStatistics
        {
            Mode = "bare-metal",
            Configuration = configuration,
            Latency = machine.Processor.Options.Security.Latency,
            Timing = machine.Processor.Options.Security.Timing,
        });
        machine.Processor.Observer = new ChipTap(recorder);
        recorder._clock.Start();
        return recorder;
    }

    public void AddSink(IRunEventSink sink)
    {
        _sinks.Add(sink);
        _wanted.UnionWith(sink.Categories);
    }

    /// <summary>Lets a bare-metal run's loop tell the recorder time passed (progress displays).</summary>
    public void Poll() => Tick?.Invoke();

    /// <summary>Closes the books: takes the chip's final counters and per-region traffic, and completes every sink.</summary>
    public RunStatistics Complete(RunConclusion conclusion, KernelStatistics? kernel = null)
    {
        if (_completed) return Statistics;
        _completed = true;
        _clock.Stop();
        var s = Statistics;
        s.Conclusion = conclusion;
        s.Chip = _processor.Counters();
        s.Cycles = _processor.Hart.Cycles;
        s.Instructions = _processor.Hart.InstructionsRetired;
        s.TrapsTaken = _processor.Hart.TrapsTaken;
        s.PageWalks = _processor.Hart.PageWalks;
        s.DecodedPages = _processor.Hart.DecodedPagesBuilt;
        if (kernel is not null)
        {
            s.ContextSwitches = kernel.ContextSwitches;
            s.Syscalls = kernel.Syscalls;
            s.PageFaults = kernel.PageFaults;
            s.SwapOuts = kernel.SwapOuts;
            s.SwapIns = kernel.SwapIns;
            s.TimerInterrupts = kernel.TimerInterrupts;
        }
        foreach (var traffic in _processor.RegionTraffic())
        {
            var region = s.Region(traffic.RegionId, traffic.Instance);
            region.Traffic = traffic;
            region.KeyContext = traffic.KeyContext;
        }
        foreach (var sink in _sinks) sink.Complete(s);
        return s;
    }

    private bool Wants(EventCategory category) => _wanted.Contains(category);

    private void Emit(EventCategory category, string kind, Process? process, params KeyValuePair<string, object?>[] fields)
    {
        if (!_wanted.Contains(category)) return;
        ulong cycle = _processor.Hart.Cycles;
        var e = new RunEvent(cycle, (ulong)((UInt128)cycle * 1_000_000_000 / _processor.ClockHz), category, kind, process?.Pid ?? 0, process?.Name, fields);
        foreach (var sink in _sinks)
            if (sink.Categories.Contains(category)) sink.Write(e);
    }

    private static KeyValuePair<string, object?> F(string key, object? value) => new(key, value);

    private static string Hex(ulong value) => $"0x{value:x}";

    private ProcessStats Stats(Process p) => Statistics.Process(p.Pid, p.Name);

    private Process? OwnerOf(uint contextId) =>
        _contextOwners.TryGetValue(contextId, out int pid) ? _processes.GetValueOrDefault(pid) : _running;

    /// <summary>The OS model's side: a passive observer called after every adversary.</summary>
    private sealed class KernelTap(RunRecorder r) : Adversary
    {
        public override string Name => "recorder";

        public override void OnProcessStarted(ProcessEvent e)
        {
            var p = r.Stats(e.Process);
            p.Sealed = e.Process.SealedImage;
            p.Debuggable = e.Process.SealedImage && r._debuggablePrograms.Contains(e.Process.Name);
            r._processes[e.Process.Pid] = e.Process;
            r.Alive++;
            r.Emit(EventCategory.Process, "start", e.Process, F("sealed", e.Process.SealedImage), F("parent", e.Process.ParentPid));
        }

        public override void OnProcessExited(ProcessEvent e)
        {
            var p = r.Stats(e.Process);
            p.ExitCode = e.Process.ExitCode;
            p.KillReason = e.Process.KillReason;
            r.Alive--;
            r.Emit(EventCategory.Process, "exit", e.Process, F("exit_code", e.Process.ExitCode), F("kill_reason", e.Process.KillReason),
                F("end", Names.Kebab(e.Process.End.ToString())), F("refusal", e.Process.Refusal is { } why ? Names.Kebab(why.ToString()) : null));
        }

        public override void OnContextSwitch(ContextSwitchEvent e)
        {
            r.Stats(e.To).ContextSwitches++;
            r.Emit(EventCategory.Sched, "switch", e.To, F("from", e.From?.Pid ?? 0));
        }

        public override void OnResume(ProcessEvent e)
        {
            r._running = e.Process;
            r._sliceStart = r._processor.Counters();
        }

        public override void OnRunSlice(RunSliceEvent e)
        {
            var p = r.Stats(e.Process);
            var delta = r._processor.Counters() - r._sliceStart;
            p.Chip += delta;
            p.Cycles += e.EndCycles - e.StartCycles;
            p.Protected |= e.Process.IsProtected;
            r._running = null;
            if (r.Wants(EventCategory.Sched))
                r.Emit(EventCategory.Sched, "slice", e.Process, F("start_cycle", e.StartCycles), F("end_cycle", e.EndCycles),
                    F("instructions", e.Instructions), F("end", Names.Kebab(e.End.ToString())),
                    F("cause", e.Cause is { } c ? Names.Kebab(c.ToString()) : null), F("protected", e.Process.IsProtected));
            r.Tick?.Invoke();
        }

        public override void OnSyscall(SyscallEvent e)
        {
            r.Stats(e.Process).Syscalls++;
            r._pendingSyscalls[e.Process] = e;
        }

        public override void OnSyscallReturn(SyscallEvent e)
        {
            r._pendingSyscalls.Remove(e.Process);
            if (!r.Wants(EventCategory.Syscall)) return;
            r.Emit(EventCategory.Syscall, "syscall", e.Process, F("name", SyscallName(e.Number)), F("number", e.Number),
                F("args", e.Arguments.Select(a => Hex(a)).ToArray()), F("result", e.Result));
        }

        public override void OnPageFault(PageFaultEvent e)
        {
            r.Stats(e.Process).PageFaults++;
            r.Emit(EventCategory.Fault, "page-fault", e.Process, F("address", Hex(e.VirtualAddress)), F("access", Names.Kebab(e.Access.ToString())),
                F("resolution", Names.Kebab(e.Resolution.ToString())));
        }

        public override void OnSwapOut(SwapEvent e)
        {
            foreach (var owner in e.Owners) r.Stats(owner).SwapOuts++;
            r.Emit(EventCategory.Swap, "swap-out", e.Owners.Count == 1 ? e.Owners[0] : null, F("slot", e.Slot), F("frame", Hex(e.Frame)),
                F("object", e.ObjectName), F("page", e.Page), F("owners", e.Owners.Select(o => o.Pid).ToArray()));
        }

        public override void OnSwapIn(SwapEvent e)
        {
            foreach (var owner in e.Owners) r.Stats(owner).SwapIns++;
            r.Emit(EventCategory.Swap, "swap-in", e.Owners.Count == 1 ? e.Owners[0] : null, F("slot", e.Slot), F("frame", Hex(e.Frame)),
                F("object", e.ObjectName), F("page", e.Page), F("owners", e.Owners.Select(o => o.Pid).ToArray()));
        }

        public override void OnChannelMessage(ChannelMessageEvent e)
        {
            var p = r.Stats(e.Sender);
            p.MessagesSent++;
            p.BytesSent += (ulong)e.Payload.Length;
            r.Emit(EventCategory.Channel, "message", e.Sender, F("channel", e.Channel), F("to", e.Receiver?.Pid ?? 0),
                F("length", e.Payload.Length), F("dropped", e.Drop));
        }

        public override void OnGuestNote(GuestNoteEvent e)
        {
            r.Stats(e.Process).Notes++;
            r.LastStep = $"{e.Process.Name} {e.Process.Pid}: {e.Topic}";
            r.Emit(EventCategory.Protocol, "note", e.Process, F("topic", e.Topic), F("text", e.Text));
        }

        public override void OnAdversaryAction(AdversaryActionEvent e)
        {
            r.Statistics.AdversaryActions++;
            r.Emit(EventCategory.Adversary, "action", e.Target, F("adversary", e.Adversary), F("action", e.Action));
        }
    }

    /// <summary>"chan_send" for 0x1022, "write" for 64; the number itself if unknown.</summary>
    internal static string SyscallName(ulong number) =>
        Enum.IsDefined((Syscall)number) ? Names.Snake(((Syscall)number).ToString()) : $"0x{number:x}";

    /// <summary>The chip's side: told of TRP instructions, EAR changes, integrity faults, context seals and protected lines.</summary>
    private sealed class ChipTap(RunRecorder r) : ChipObserver
    {
        public override void TrpExecuted(in TrpRecord record)
        {
            var running = r._running;
            if (running is not null)
            {
                var stats = r.Stats(running);
                stats.CountTrp(record);
                if (record.ContextId != 0) r._contextOwners[record.ContextId] = running.Pid;
            }
            r.Emit(EventCategory.Trp, "trp", running, F("op", Names.Kebab(record.Operation.ToString())), F("context", record.ContextId),
                F("status", record.Fault is null ? Names.Kebab(record.Status.ToString()) : null),
                F("fault", record.Fault is { } f ? Names.Kebab(f.ToString()) : null));
        }

        public override void EarChanged(in EarChange change)
        {
            var running = r._running;
            if (running is not null)
            {
                r._contextOwners[change.ContextId] = running.Pid;
                var stats = r.Stats(running);
                if (change.Added) stats.EarAdded++;
                else stats.EarRemoved++;
            }
            var region = r.Statistics.Region(change.RegionId, change.Instance);
            region.Kind = change.Kind;
            region.KeyContext = change.KeyContext;
            region.Length = change.Length;
            region.Start = change.Start;
            if (running is not null) region.Processes.Add(running.Pid);
            r.Emit(EventCategory.Ear, change.Added ? "ear-add" : "ear-remove", running, F("context", change.ContextId), F("start", Hex(change.Start)),
                F("length", change.Length), F("region", change.RegionId), F("region_kind", Names.Kebab(change.Kind.ToString())),
                F("permissions", Permissions(change.Permissions)), F("key_context", change.KeyContext), F("instance", change.Instance));
        }

        public override void IntegrityFault(uint contextId, ulong virtualAddress)
        {
            if (r._running is { } running) r.Stats(running).IntegrityFaults++;
            r.Emit(EventCategory.Integrity, "integrity-fault", r._running, F("context", contextId), F("address", Hex(virtualAddress)));
        }

        public override void ContextSealed(uint contextId, bool atEcall)
        {
            if (r._running is { } running) r._contextOwners[contextId] = running.Pid;
            r.Emit(EventCategory.Context, "seal", r._running, F("context", contextId), F("at_ecall", atEcall));
        }

        public override void ContextResumed(uint contextId)
        {
            if (r._running is { } running) r._contextOwners[contextId] = running.Pid;
            r.Emit(EventCategory.Context, "resume", r._running, F("context", contextId));
        }

        public override void ContextRefused(uint contextId, ContextRefusal refusal) =>
            r.Emit(EventCategory.Context, "refuse", r._running, F("context", contextId), F("refusal", Names.Kebab(refusal.ToString())));

        public override void ContextReleased(uint contextId) =>
            r.Emit(EventCategory.Context, "release", r.OwnerOf(contextId), F("context", contextId));

        public override void LineTransferred(ulong physicalAddress, BusDirection direction, int keyContext)
        {
            if (!r.Wants(EventCategory.Bus)) return;
            r.Emit(EventCategory.Bus, direction == BusDirection.Read ? "line-read" : "line-write", r._running,
                F("address", Hex(physicalAddress)), F("key_context", keyContext));
        }

        private static string Permissions(RegionPermissions p) =>
            $"{(p.HasFlag(RegionPermissions.Read) ? 'r' : '-')}{(p.HasFlag(RegionPermissions.Write) ? 'w' : '-')}{(p.HasFlag(RegionPermissions.Execute) ? 'x' : '-')}";
    }
}
