using Cloak.Isa;
using Cloak.Kernel.Memory;

namespace Cloak.Kernel.Adversaries;

/// <summary>A system call as the kernel is about to carry it out (and then has).</summary>
public sealed class SyscallEvent(Process process, ulong number, ulong[] arguments)
{
    public Process Process { get; } = process;
    public ulong Number { get; } = number;
    /// <summary>a0-a5; an adversary may change them before the kernel acts.</summary>
    public ulong[] Arguments { get; } = arguments;
    /// <summary>Set before the call to skip it and return this instead; after the call, the result (changeable).</summary>
    public long? Result { get; set; }
}

/// <summary>A page entering or leaving a process's page table.</summary>
public sealed class PageEvent(Process process, ulong virtualAddress, ulong frame, Protection protection)
{
    public Process Process { get; } = process;
    public ulong VirtualAddress { get; } = virtualAddress;
    /// <summary>The physical frame (page number); an adversary may substitute another.</summary>
    public ulong Frame { get; set; } = frame;
    public Protection Protection { get; set; } = protection;
}

/// <summary>The scheduler switching the hart from one process to another.</summary>
public sealed record ContextSwitchEvent(Process? From, Process To);

/// <summary>A page moving between DRAM and the swap store; <see cref="Owners"/> are the processes that map it.</summary>
public sealed record SwapEvent(int Slot, ulong Frame, string ObjectName, int Page)
{
    public IReadOnlyList<Process> Owners { get; init; } = [];
}

/// <summary>A message passing through the kernel on a channel.</summary>
public sealed class ChannelMessageEvent(string channel, Process sender, byte[] payload, Process? receiver = null, int toSide = 0)
{
    public string Channel { get; } = channel;
    /// <summary>The end of the channel the message goes to (0 the creator's, 1 the opener's): what <see cref="AdversaryPowers.InjectMessage"/> takes to send it again later.</summary>
    public int ToSide { get; } = toSide;
    public Process Sender { get; } = sender;
    /// <summary>The process holding the receiving end (null if nobody has opened it yet).</summary>
    public Process? Receiver { get; } = receiver;
    /// <summary>The bytes the receiver will get; an adversary may replace them.</summary>
    public byte[] Payload { get; set; } = payload;
    /// <summary>Set to drop the message (the sender still sees success).</summary>
    public bool Drop { get; set; }
}

/// <summary>A process starting or ending.</summary>
public sealed record ProcessEvent(Process Process);

/// <summary>How the kernel dealt with a page fault.</summary>
public enum PageFaultResolution
{
    /// <summary>A page populated for the first time (zero-filled or from the program image).</summary>
    Populated,
    /// <summary>The page came back from swap (possibly into another frame).</summary>
    SwappedIn,
    /// <summary>No mapping, a protection violation or no memory: the process is killed.</summary>
    Fatal,
}

/// <summary>A page fault the kernel handled (after it handled it).</summary>
public sealed record PageFaultEvent(Process Process, ulong VirtualAddress, AccessType Access, PageFaultResolution Resolution);

/// <summary>Why a run slice of a process ended.</summary>
public enum SliceEnd { Trap, Budget, Refused }

/// <summary>
/// One stretch of a process on the hart, between two returns of the OS port: from
/// <see cref="StartCycles"/> to <see cref="EndCycles"/> (simulated), with the trap that ended it.
/// </summary>
public sealed record RunSliceEvent(Process Process, ulong StartCycles, ulong EndCycles, ulong Instructions, SliceEnd End, TrapCause? Cause);

/// <summary>
/// A note a guest program posted for observers (the <c>note</c> system call, docs/abi.md): libcloak's
/// sharing functions announce each protocol step this way (topic "claim 3(f)", say). Notes are as
/// public as console output: the guest chose to tell the OS.
/// </summary>
public sealed record GuestNoteEvent(Process Process, string Topic, string Text);

/// <summary>Something an adversary did through its powers (or declared it did), for traces and reports.</summary>
public sealed record AdversaryActionEvent(string Adversary, string Action, Process? Target = null);
