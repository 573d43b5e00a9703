namespace Cloak.Debugging;

/// <summary>A thread gdb lists: the whole machine (bare metal) or one process (OS model).</summary>
public sealed record DebugThread(int Id, string Description);

/// <summary>
/// What the stub may see and change of a stopped machine. An implementation decides what is visible
/// (SPEC 2.3: no debugger reads a protected program): a null value is "unavailable", a non-null
/// string is a refusal the stub turns into an error reply.
/// </summary>
public interface IDebugTarget
{
    IReadOnlyList<DebugThread> Threads { get; }

    /// <summary>A register's value, or null if the target may not show it (gdb prints &lt;unavailable&gt;).</summary>
    ulong? ReadRegister(int thread, int regnum);

    string? WriteRegister(int thread, int regnum, ulong value);

    /// <summary>Memory as the debugger may see it, or null if none of it is readable.</summary>
    byte[]? ReadMemory(int thread, ulong address, int length);

    string? WriteMemory(int thread, ulong address, ReadOnlySpan<byte> data);

    /// <summary>Why a breakpoint (code) or watchpoint (data) over [address, address + length) may not be set, or null.</summary>
    string? RefuseBreakpoint(int thread, ulong address, ulong length, bool code);

    /// <summary>Why <paramref name="thread"/> may not be single-stepped, or null.</summary>
    string? RefuseStep(int thread);
}
