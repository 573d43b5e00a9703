using Cloak.Isa;
using Cloak.Kernel.Ipc;
using Cloak.Kernel.Memory;
using Cloak.Platform;

namespace Cloak.Kernel;

public enum ProcessState { Ready, Running, Blocked, Zombie, Reaped }

/// <summary>How a process ended (or that it has not).</summary>
public enum ProcessEnd
{
    Running,
    /// <summary>It called exit (see <see cref="Process.ExitCode"/>).</summary>
    Exited,
    /// <summary>A trap the kernel could not resolve (<see cref="Process.FatalTrap"/>): a fault, an integrity fault, a TRP fault.</summary>
    Fault,
    /// <summary>The chip refused to resume its sealed context (<see cref="Process.Refusal"/>): SPEC R4.</summary>
    ContextRefused,
    /// <summary>The chip refused its sealed image at trp.enter (<see cref="Process.ImageRefusal"/>).</summary>
    ImageRefused,
    /// <summary>An adversary killed it.</summary>
    KilledByAdversary,
    /// <summary>Blocked with nothing left that could wake it.</summary>
    Deadlocked,
}

/// <summary>Per-process counters, as <c>--stats</c> prints them.</summary>
public sealed class ProcessStatistics
{
    public ulong Instructions { get; internal set; }
    public ulong PageFaults { get; internal set; }
    public ulong SwapIns { get; internal set; }
    public ulong ContextSwitches { get; internal set; }
    public ulong Syscalls { get; internal set; }
}

/// <summary>
/// A user process: its saved registers (in OS memory), address space, channel handles and state.
/// Blocking system calls are restartable: a blocked process sits at its ecall and runs it again
/// when woken, so the kernel keeps no continuation state besides the wake condition.
/// </summary>
public sealed class Process
{
    internal Process(int pid, int parentPid, string name, Stream output, Stream input)
    {
        Pid = pid;
        ParentPid = parentPid;
        Name = name;
        Output = output;
        Input = input;
    }

    public int Pid { get; }
    public int ParentPid { get; internal set; }
    public string Name { get; }
    public ProcessState State { get; internal set; } = ProcessState.Ready;
    public ProcessStatistics Statistics { get; } = new();

    /// <summary>Exit status once ended: the code given to exit, or 128 + signal for a killed process.</summary>
    public int ExitCode { get; internal set; }

    /// <summary>Why the kernel killed the process (a fault report), or null if it exited by itself.</summary>
    public string? KillReason { get; internal set; }

    /// <summary>How the process ended, as data (for judges that must not read prose).</summary>
    public ProcessEnd End { get; internal set; } = ProcessEnd.Running;

    /// <summary>The trap that killed it (<see cref="ProcessEnd.Fault"/>), with its cause and address.</summary>
    public Trap? FatalTrap { get; internal set; }

    /// <summary>Why the chip refused to resume its sealed context (<see cref="ProcessEnd.ContextRefused"/>).</summary>
    public ContextRefusal? Refusal { get; internal set; }

    /// <summary>trp.enter's status when the chip refused the sealed image (<see cref="ProcessEnd.ImageRefused"/>).</summary>
    public TrpStatus? ImageRefusal { get; internal set; }

    public Stream Output { get; }
    public Stream Input { get; }

    internal UserContext Context { get; } = new();

    /// <summary>True if the process was started from a sealed image (it runs protected once the chip accepts it).</summary>
    public bool SealedImage { get; internal set; }

    /// <summary>True once the process runs in encrypted execution mode (its context is sealed by the chip).</summary>
    public bool IsProtected => Context.IsProtected;
    internal AddressSpace Memory { get; set; } = null!;
    internal Vma? Heap { get; set; }
    internal ulong BreakStart { get; set; }
    internal ulong Break { get; set; }
    internal Random AddressRandom { get; set; } = null!;

    // Wake conditions for a blocked process.
    internal ulong? SleepUntilNanoseconds { get; set; }
    internal int FaultsWithoutProgress { get; set; }
    internal bool WaitingForChild { get; set; }
    internal ChannelEnd? WaitingOnChannel { get; set; }

    internal Dictionary<ulong, ChannelEnd> Channels { get; } = [];
    internal ulong NextChannelHandle { get; set; } = 3;
    internal List<SharedSegment> CreatedSegments { get; } = [];

    public override string ToString() => $"{Pid}:{Name}";
}
