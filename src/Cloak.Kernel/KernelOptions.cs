namespace Cloak.Kernel;

/// <summary>Configuration of the OS model. The same options and seed give the same run, instruction for instruction.</summary>
public sealed record KernelOptions
{
    /// <summary>Instructions a process may run before the timer preempts it (round-robin).</summary>
    public ulong Quantum { get; init; } = 100_000;

    /// <summary>Seeds the frame allocator and address-space layout choices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Swap capacity in 4 KiB slots.</summary>
    public int SwapSlots { get; init; } = 1 << 16;

    public ulong StackSize { get; init; } = 8UL << 20;
    public ulong MaxHeap { get; init; } = 1UL << 30;

    /// <summary>Stop after this many instructions in total (all processes), or never.</summary>
    public long? MaxInstructions { get; init; }

    /// <summary>Where a process's stdout and stderr go, given its pid and name; by default nowhere.</summary>
    public Func<int, string, Stream> OutputFor { get; init; } = (_, _) => Stream.Null;

    /// <summary>Where a process's stdin comes from, given its pid and name; by default it is empty.</summary>
    public Func<int, string, Stream> InputFor { get; init; } = (_, _) => Stream.Null;

    /// <summary>Seconds since the Unix epoch that CLOCK_REALTIME reads at boot (fixed, for determinism).</summary>
    public long RealtimeEpochSeconds { get; init; } = 1_767_225_600; // 2026-01-01T00:00:00Z

    public void Validate()
    {
        if (Quantum == 0) throw new ArgumentOutOfRangeException(nameof(Quantum), "the quantum must be at least one instruction");
        if (SwapSlots < 0) throw new ArgumentOutOfRangeException(nameof(SwapSlots), "swap size must not be negative");
        if (StackSize < 4096 || StackSize % 4096 != 0 || StackSize > 1UL << 30)
            throw new ArgumentOutOfRangeException(nameof(StackSize), "stack size must be a multiple of 4 KiB up to 1 GiB");
        if (MaxInstructions is < 0) throw new ArgumentOutOfRangeException(nameof(MaxInstructions), "the instruction limit must not be negative");
    }
}

/// <summary>How a kernel run ended.</summary>
public enum KernelRunEnd
{
    /// <summary>Every process has ended.</summary>
    AllExited,
    /// <summary>The instruction limit was reached with processes still alive.</summary>
    InstructionLimit,
    /// <summary>The host asked the run to stop (Ctrl-C, SIGTERM) with processes still alive.</summary>
    Interrupted,
}

/// <summary>Machine-wide counters.</summary>
public sealed record KernelStatistics(
    ulong Instructions, ulong ContextSwitches, ulong Syscalls, ulong PageFaults, ulong SwapOuts, ulong SwapIns,
    ulong TimerInterrupts, TimeSpan HostTime)
{
    public double Mips => HostTime.TotalSeconds > 0 ? Instructions / HostTime.TotalSeconds / 1e6 : 0;
}
