namespace Cloak.Debugging;

/// <summary>gdb's Z packet types: 0 software, 1 hardware breakpoint, 2 write, 3 read, 4 access watchpoint.</summary>
public enum BreakpointKind { Software = 0, Hardware = 1, Write = 2, Read = 3, Access = 4 }

/// <summary>A breakpoint or watchpoint, owned by the thread (process) gdb had selected when it set it.</summary>
public sealed record Breakpoint(BreakpointKind Kind, ulong Address, ulong Length, int Thread)
{
    public bool IsCode => Kind is BreakpointKind.Software or BreakpointKind.Hardware;

    public bool Overlaps(ulong address, ulong length) => address < Address + Math.Max(Length, 1) && Address < address + Math.Max(length, 1);

    /// <summary>True if a data access of this direction triggers the watchpoint.</summary>
    public bool Watches(bool isWrite) => Kind == BreakpointKind.Access || (Kind == BreakpointKind.Write) == isWrite && Kind != BreakpointKind.Software && Kind != BreakpointKind.Hardware;
}

/// <summary>Why the target stopped, as the stop reply says it.</summary>
public sealed record StopEvent(int Thread, int Signal, string Detail = "")
{
    public const int SigInt = 2, SigTrap = 5;

    public static StopEvent Step(int thread) => new(thread, SigTrap);
    public static StopEvent Interrupted(int thread) => new(thread, SigInt);

    public static StopEvent Hit(int thread, Breakpoint breakpoint) => new(thread, SigTrap, breakpoint.Kind == BreakpointKind.Software ? "swbreak:;" : "hwbreak:;");

    public static StopEvent Watch(int thread, Breakpoint watchpoint, ulong address) => new(thread, SigTrap,
        $"{watchpoint.Kind switch { BreakpointKind.Write => "watch", BreakpointKind.Read => "rwatch", _ => "awatch" }}:{address:x};");
}
