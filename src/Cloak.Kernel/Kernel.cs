using System.Diagnostics;
using Cloak.Elf;
using Cloak.Isa;
using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Ipc;
using Cloak.Kernel.Memory;
using Cloak.Platform;
using Cloak.Sealing;

namespace Cloak.Kernel;

/// <summary>
/// The untrusted operating system model: it runs user processes on the chip through the chip's
/// <see cref="OsPort"/> (as gem5's SE mode or QEMU's user mode emulate an OS), with processes, virtual
/// memory, demand paging and swap, shared memory, channels, a round-robin scheduler driven by timer
/// interrupts, and Linux-numbered system calls. Every action passes through the attached
/// <see cref="Adversary"/> hooks. It never touches the hart's internals.
/// </summary>
public sealed partial class Kernel
{
    private readonly OsPort _port;
    private readonly KernelOptions _options;
    private readonly KernelEvents _events = new();
    private readonly Pager _pager;
    private readonly Random _random;
    private readonly Dictionary<string, ProgramImage> _programs = new(StringComparer.Ordinal);
    private readonly List<Process> _processes = [];
    private readonly Queue<Process> _ready = new();
    private readonly Dictionary<int, SharedSegment> _segments = [];
    private readonly List<Channel> _channels = [];
    private int _nextPid = 1, _nextSegmentId = 1, _nextChannelId = 1;
    private ulong _contextSwitches, _syscalls, _timerInterrupts, _instructions;
    private Process? _lastRun;

    public Kernel(OsPort port, KernelOptions options)
    {
        ArgumentNullException.ThrowIfNull(port);
        options.Validate();
        _port = port;
        _options = options;
        _random = new Random(options.Seed);
        Swap = new SwapStore(options.SwapSlots);
        _pager = new Pager(_port, new FrameTable(_port.Memory, _random), Swap, _events);
    }

    public OsPort Port => _port;
    public SwapStore Swap { get; }
    public IReadOnlyList<Process> Processes => _processes;
    internal Pager Pager => _pager;
    internal KernelEvents Events => _events;
    internal IReadOnlyList<Channel> Channels => _channels;
    internal IReadOnlyDictionary<int, SharedSegment> Segments => _segments;

    /// <summary>The names of the programs registered so far (what <see cref="Start"/> and the spawn system call accept).</summary>
    public IReadOnlyList<string> Programs => [.. _programs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Attaches an adversary; it sees every later kernel action and has the powers of a hostile OS.</summary>
    public void Attach(Adversary adversary)
    {
        adversary.Powers = new AdversaryPowers(this, adversary);
        _events.Attach(adversary);
        Attached(adversary);
    }

    /// <summary>
    /// Attaches a passive observer (statistics, traces, reports): it gets the same hooks and powers
    /// as an adversary but is called after every adversary, so it sees each action as it finally
    /// happened. An observer should change nothing.
    /// </summary>
    public void AttachObserver(Adversary observer)
    {
        observer.Powers = new AdversaryPowers(this, observer);
        _events.AttachObserver(observer);
        Attached(observer);
    }

    private static void Attached(Adversary adversary)
    {
        try
        {
            adversary.OnAttached();
        }
        catch (Exception x) when (x is not AdversaryFailedException)
        {
            throw new AdversaryFailedException(adversary, nameof(Adversary.OnAttached), x);
        }
    }

    /// <summary>Makes a program available to <see cref="Start"/> and to the spawn system call by name.</summary>
    public void Register(string name, ElfImage image)
    {
        ValidateUserImage(name, image);
        _programs[name] = new ProgramImage(image, null);
    }

    /// <summary>Makes a sealed (encrypted) program available by name; it runs protected on a chip it was sealed for.</summary>
    public void Register(string name, SealedImage image)
    {
        ValidateSealedImage(name, image);
        _programs[name] = new ProgramImage(null, image);
    }

    /// <summary>Starts a registered program as a new process with the given arguments (argv[0] included).</summary>
    public Process Start(string name, IReadOnlyList<string> arguments, int parentPid = 0)
    {
        if (!_programs.TryGetValue(name, out var program)) throw new ArgumentException($"no program named '{name}' is registered");
        var process = CreateProcess(name, program, arguments, parentPid) ??
            throw new InvalidOperationException($"out of memory starting '{name}'");
        return process;
    }

    /// <summary>Starts a registered program for an adversary; null if there is no such program or no memory for it.</summary>
    internal Process? TryStart(string name, IReadOnlyList<string> arguments) =>
        _programs.TryGetValue(name, out var program) ? CreateProcess(name, program, arguments, parentPid: 0) : null;

    /// <summary>
    /// Runs the processes until all have ended, the instruction limit is reached or
    /// <paramref name="cancellation"/> is signalled (checked between scheduling turns; the run then
    /// ends <see cref="KernelRunEnd.Interrupted"/> with the processes where they were). Deterministic:
    /// the same programs, options and seed give the same interleaving and output.
    /// </summary>
    public (KernelRunEnd End, KernelStatistics Statistics) Run(CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        long budget = _options.MaxInstructions ?? long.MaxValue;
        var end = KernelRunEnd.AllExited;
        while (_processes.Any(p => p.State is ProcessState.Ready or ProcessState.Blocked or ProcessState.Running))
        {
            WakeSleepers();
            if (_ready.Count == 0)
            {
                if (!IdleUntilNextWake())
                {
                    KillDeadlocked();
                    break;
                }
                continue;
            }
            long left = budget - (long)_instructions;
            if (left <= 0)
            {
                end = KernelRunEnd.InstructionLimit;
                break;
            }
            if (cancellation.IsCancellationRequested)
            {
                end = KernelRunEnd.Interrupted;
                break;
            }
            var process = _ready.Dequeue();
            if (process.State != ProcessState.Ready) continue;
            RunTurn(process, left);
        }
        if (end == KernelRunEnd.AllExited && _options.MaxInstructions is { } max && (long)_instructions >= max &&
            _processes.Any(p => p.State is ProcessState.Ready or ProcessState.Blocked))
            end = KernelRunEnd.InstructionLimit;
        _events.Shutdown();
        foreach (var p in _processes) p.Output.Flush();
        return (end, Statistics(clock.Elapsed));
    }

    public KernelStatistics Statistics(TimeSpan hostTime) => new(
        _instructions, _contextSwitches, _syscalls,
        (ulong)_processes.Sum(p => (long)p.Statistics.PageFaults), _pager.SwapOuts, _pager.SwapIns, _timerInterrupts, hostTime);

    /// <summary>One scheduling turn: the process runs until its quantum ends, it blocks, yields or exits.</summary>
    private void RunTurn(Process process, long budgetLeft)
    {
        if (_lastRun != process)
        {
            _contextSwitches++;
            process.Statistics.ContextSwitches++;
            _events.ContextSwitch(new ContextSwitchEvent(_lastRun, process));
            _lastRun = process;
            if (process.State != ProcessState.Ready) return; // an adversary killed it at the switch
        }
        process.State = ProcessState.Running;
        ulong quantumLeft = _options.Quantum;
        while (process.State == ProcessState.Running)
        {
            process.Context.Satp = process.Memory.Satp;
            ulong sliceStart = _port.Cycles;
            if (_events.Listening)
            {
                _events.Resume(new ProcessEvent(process));
                if (process.State != ProcessState.Running) return; // an adversary killed it
            }
            var result = _port.RunUser(process.Context, quantumLeft, budgetLeft);
            ulong retired = (ulong)result.InstructionsRetired;
            if (_events.Listening)
                _events.RunSlice(new RunSliceEvent(process, sliceStart, _port.Cycles, retired,
                    result.Exit switch { UserExit.Trap => SliceEnd.Trap, UserExit.Budget => SliceEnd.Budget, _ => SliceEnd.Refused },
                    result.Exit == UserExit.Trap ? result.Trap.Cause : null));
            process.FaultsWithoutProgress = retired > 0 ? 0 : process.FaultsWithoutProgress;
            process.Statistics.Instructions += retired;
            _instructions += retired;
            budgetLeft -= (long)retired;
            quantumLeft = retired >= quantumLeft ? 0 : quantumLeft - retired;

            if (result.Exit == UserExit.Budget)
            {
                Preempt(process);
                return;
            }
            if (result.Exit == UserExit.Refused)
            {
                process.End = ProcessEnd.ContextRefused;
                process.Refusal = result.Refusal;
                Terminate(process, 128 + 9, $"the chip refused to resume its saved context ({Describe(result.Refusal)})");
                return;
            }
            var trap = result.Trap;
            switch (trap.Cause)
            {
                case TrapCause.MachineTimerInterrupt:
                    _timerInterrupts++;
                    Preempt(process);
                    return;
                case TrapCause.EnvironmentCallFromUMode:
                    HandleSyscall(process);
                    break;
                case TrapCause.InstructionPageFault or TrapCause.LoadPageFault or TrapCause.StorePageFault:
                    HandlePageFault(process, trap);
                    break;
                default:
                    Kill(process, trap);
                    break;
            }
            if (process.State == ProcessState.Running && (quantumLeft == 0 || budgetLeft <= 0))
            {
                Preempt(process);
                return;
            }
        }
    }

    private const int MaxFaultsWithoutProgress = 4096;

    private void Preempt(Process process)
    {
        if (process.State != ProcessState.Running) return;
        process.State = ProcessState.Ready;
        _ready.Enqueue(process);
    }

    private void MakeReady(Process process)
    {
        if (process.State != ProcessState.Blocked) return;
        process.State = ProcessState.Ready;
        process.WaitingForChild = false;
        process.WaitingOnChannel = null;
        _ready.Enqueue(process);
    }

    private void Block(Process process) => process.State = ProcessState.Blocked;

    private void HandlePageFault(Process process, Trap trap)
    {
        process.Statistics.PageFaults++;
        var access = trap.Cause switch
        {
            TrapCause.InstructionPageFault => AccessType.Fetch,
            TrapCause.LoadPageFault => AccessType.Load,
            _ => AccessType.Store,
        };
        ulong swapInsBefore = _pager.SwapIns;
        var result = process.Memory.HandleFault(trap.Tval, access);
        process.Statistics.SwapIns += _pager.SwapIns - swapInsBefore;
        // Too little memory to hold even one instruction's pages (page tables are never evicted):
        // every fault evicts a page the next fault needs. Stop instead of looping forever.
        if (result == FaultResult.Resolved && ++process.FaultsWithoutProgress > MaxFaultsWithoutProgress)
            result = FaultResult.OutOfMemory;
        if (_events.Listening)
            _events.PageFault(new PageFaultEvent(process, trap.Tval, access,
                result != FaultResult.Resolved ? PageFaultResolution.Fatal : _pager.SwapIns > swapInsBefore ? PageFaultResolution.SwappedIn : PageFaultResolution.Populated));
        if (result != FaultResult.Resolved)
        {
            string why = result switch
            {
                FaultResult.NoMapping => "no mapping",
                FaultResult.ProtectionViolation => "access not permitted",
                _ => "out of memory and swap",
            };
            Kill(process, trap, why);
        }
    }

    /// <summary>Kills a process for a trap it cannot survive, with a report naming cause, pc and address.</summary>
    private void Kill(Process process, Trap trap, string? detail = null)
    {
        int signal = trap.Cause switch
        {
            TrapCause.IllegalInstruction or TrapCause.TrpFault or TrapCause.TrpModeFault => 4, // SIGILL
            TrapCause.Breakpoint => 5,                     // SIGTRAP
            TrapCause.LoadAddressMisaligned or TrapCause.StoreAddressMisaligned or TrapCause.IntegrityFault => 7, // SIGBUS
            _ => 11,                                       // SIGSEGV
        };
        string pc = process.Context.IsProtected ? "a protected pc (hidden)" : $"pc 0x{process.Context.Pc:x}";
        string reason = $"{trap.Describe()} at {pc}, address 0x{trap.Tval:x}" + (detail is null ? "" : $" ({detail})");
        process.End = ProcessEnd.Fault;
        process.FatalTrap = trap;
        Terminate(process, 128 + signal, reason);
    }

    internal void KillByAdversary(Process process, string reason)
    {
        if (process.End == ProcessEnd.Running) process.End = ProcessEnd.KilledByAdversary;
        Terminate(process, 128 + 9, reason);
    }

    internal void ReportAdversaryAction(AdversaryActionEvent e)
    {
        if (_events.Listening) _events.AdversaryAction(e);
    }

    private static string Describe(ContextRefusal refusal) => refusal switch
    {
        ContextRefusal.Stale => "an older version of it: replayed",
        ContextRefusal.ForeignAddressSpace => "it belongs to another address space",
        ContextRefusal.Tampered => "it was modified",
        _ => "the chip does not know it",
    };

    /// <summary>Ends a process: frees its memory, closes its channels, tells its parent.</summary>
    private void Terminate(Process process, int exitCode, string? killReason)
    {
        if (process.State is ProcessState.Zombie or ProcessState.Reaped) return;
        if (process.SealedImage && !process.Context.IsProtected && killReason is null)
        {
            process.End = ProcessEnd.ImageRefused;
            process.ImageRefusal = (TrpStatus)exitCode;
            // The loader stub exits with trp.enter's status when the chip refuses the image.
            killReason = "the chip refused the sealed image: " + (TrpStatus)exitCode switch
            {
                TrpStatus.WrongChip => "it was sealed for another chip",
                TrpStatus.BadImage => "it is corrupted, truncated or spliced (its key does not authenticate)",
                TrpStatus.ContextTableFull => "the chip tracks too many protected processes",
                TrpStatus.KeyTableFull or TrpStatus.EarFull => "the chip has no room for its keys",
                var other => $"status {(int)other}",
            };
            exitCode = 128 + 4;
        }
        _port.ReleaseProtectedContext(process.Context);
        if (process.End == ProcessEnd.Running) process.End = ProcessEnd.Exited;
        process.ExitCode = exitCode;
        process.KillReason = killReason;
        foreach (var handle in process.Channels.Keys.ToList()) CloseChannel(process, handle);
        foreach (var segment in process.CreatedSegments) segment.Destroyed = true;
        foreach (var vma in process.Memory.Areas.Where(a => a.Kind == AreaKind.Shared).ToList())
            UnmapSegment(process, vma);
        process.Memory.Destroy();
        ReleaseUnusedSegments();
        process.Output.Flush();

        foreach (var child in _processes.Where(c => c.ParentPid == process.Pid))
        {
            child.ParentPid = 0;
            if (child.State == ProcessState.Zombie) child.State = ProcessState.Reaped;
        }
        var parent = _processes.FirstOrDefault(p => p.Pid == process.ParentPid && p.State is not (ProcessState.Zombie or ProcessState.Reaped));
        process.State = parent is null ? ProcessState.Reaped : ProcessState.Zombie;
        if (parent is { WaitingForChild: true }) MakeReady(parent);
        _events.ProcessExited(new ProcessEvent(process));
    }

    private void WakeSleepers()
    {
        ulong now = _port.NowNanoseconds;
        foreach (var p in _processes)
            if (p.State == ProcessState.Blocked && p.SleepUntilNanoseconds is { } until && until <= now) MakeReady(p);
    }

    /// <summary>Lets time pass to the next sleeper's deadline; false if no process will ever wake.</summary>
    private bool IdleUntilNextWake()
    {
        var next = _processes.Where(p => p.State == ProcessState.Blocked && p.SleepUntilNanoseconds is not null)
            .Select(p => p.SleepUntilNanoseconds!.Value).DefaultIfEmpty(ulong.MaxValue).Min();
        if (next == ulong.MaxValue) return false;
        ulong now = _port.NowNanoseconds;
        if (next > now) _port.Idle(_port.CyclesFromNanoseconds(next - now) + 1);
        return true;
    }

    private void KillDeadlocked()
    {
        // Record every reason before killing anyone: a death may wake (and so relabel) another process.
        var blocked = _processes.Where(p => p.State == ProcessState.Blocked)
            .Select(p => (Process: p, What: p.WaitingOnChannel is { } end ? $"receiving on channel '{end.Channel.Name}'" : p.WaitingForChild ? "waiting for a child" : "blocked"))
            .ToList();
        foreach (var (p, what) in blocked)
        {
            p.End = ProcessEnd.Deadlocked;
            Terminate(p, 128 + 9, $"deadlock: {what} with no process left that could wake it");
        }
    }
}
