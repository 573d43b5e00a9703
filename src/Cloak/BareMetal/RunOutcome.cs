using Cloak.Isa;

namespace Cloak.BareMetal;

/// <summary>How a run ended.</summary>
public enum RunEnd
{
    /// <summary>The program exited (semihosting, HTIF or the test finisher) with <see cref="RunOutcome.ExitCode"/>.</summary>
    Exited,
    /// <summary>A trap was taken with no handler installed.</summary>
    GuestFault,
    /// <summary>The instruction limit was reached first.</summary>
    InstructionLimit,
    /// <summary>The hart waits for an interrupt that nothing can raise (wfi, or a jump to itself).</summary>
    WaitingForever,
    /// <summary>The program asked the host for something it does not provide.</summary>
    HostError,
}

/// <summary>The result of running a program, with the counters <c>--stats</c> prints.</summary>
public sealed record RunOutcome(
    RunEnd End,
    int ExitCode,
    string? Message,
    Trap? Fault,
    ulong FaultPc,
    ulong InstructionsRetired,
    ulong Cycles,
    TimeSpan HostTime,
    ulong PageWalks,
    ulong TrapsTaken,
    ulong DecodedPages)
{
    public double Mips => HostTime.TotalSeconds > 0 ? InstructionsRetired / HostTime.TotalSeconds / 1e6 : 0;
}
