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

/// <summary>A page moving between DRAM and the swap store.</summary>
public sealed record SwapEvent(int Slot, ulong Frame, string ObjectName, int Page);

/// <summary>A message passing through the kernel on a channel.</summary>
public sealed class ChannelMessageEvent(string channel, Process sender, byte[] payload)
{
    public string Channel { get; } = channel;
    public Process Sender { get; } = sender;
    /// <summary>The bytes the receiver will get; an adversary may replace them.</summary>
    public byte[] Payload { get; set; } = payload;
    /// <summary>Set to drop the message (the sender still sees success).</summary>
    public bool Drop { get; set; }
}

/// <summary>A process starting or ending.</summary>
public sealed record ProcessEvent(Process Process);
