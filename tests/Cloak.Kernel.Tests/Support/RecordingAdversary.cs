using Cloak.Kernel.Adversaries;
using Cloak.Kernel.Memory;

namespace Cloak.Kernel.Tests.Support;

/// <summary>
/// An adversary that only watches: it writes down every kernel action it is told about, with the
/// values as they were at that moment (processes are live objects that keep changing).
/// </summary>
internal class RecordingAdversary : Adversary
{
    /// <summary>A context switch, with every process's instruction count then and how many had exited.</summary>
    public sealed record Switch(int? FromPid, int ToPid, ulong FromInstructions, IReadOnlyDictionary<int, ulong> Instructions, int ExitedBefore);
    public sealed record Page(int Pid, ulong VirtualAddress, ulong Frame, Protection Protection);
    public sealed record SyscallRecord(int Pid, ulong Number, ulong[] Arguments, long? Result);
    public sealed record ProcessRecord(int Pid, string Name, int ExitCode, string? KillReason, ProcessState State);

    public bool Attached { get; private set; }
    public int Shutdowns { get; private set; }
    public List<string> Trace { get; } = [];
    public List<Switch> Switches { get; } = [];
    public List<Page> Mapped { get; } = [];
    public List<Page> Unmapped { get; } = [];
    public List<SwapEvent> SwapOuts { get; } = [];
    public List<SwapEvent> SwapIns { get; } = [];
    /// <summary>Swap-outs and swap-ins in the order they happened.</summary>
    public List<(bool Out, SwapEvent Event)> Swaps { get; } = [];
    public List<SyscallRecord> Syscalls { get; } = [];
    public List<SyscallRecord> SyscallReturns { get; } = [];
    public List<ProcessRecord> Started { get; } = [];
    public List<ProcessRecord> Exited { get; } = [];
    public List<(string Channel, int SenderPid, byte[] Payload)> Messages { get; } = [];

    public override void OnAttached()
    {
        Attached = true;
        Trace.Add("attached");
    }

    public override void OnProcessStarted(ProcessEvent e)
    {
        Started.Add(Record(e.Process));
        Trace.Add($"start {e.Process}");
    }

    public override void OnProcessExited(ProcessEvent e)
    {
        Exited.Add(Record(e.Process));
        Trace.Add($"exit {e.Process} {e.Process.ExitCode}");
    }

    public override void OnSyscall(SyscallEvent e)
    {
        Syscalls.Add(new SyscallRecord(e.Process.Pid, e.Number, [.. e.Arguments], e.Result));
        Trace.Add($"syscall {e.Process} {e.Number} {string.Join(',', e.Arguments)}");
    }

    public override void OnSyscallReturn(SyscallEvent e)
    {
        SyscallReturns.Add(new SyscallRecord(e.Process.Pid, e.Number, [.. e.Arguments], e.Result));
        Trace.Add($"return {e.Process} {e.Number} {e.Result}");
    }

    public override void OnPageMapped(PageEvent e)
    {
        Mapped.Add(new Page(e.Process.Pid, e.VirtualAddress, e.Frame, e.Protection));
        Trace.Add($"map {e.Process} 0x{e.VirtualAddress:x} 0x{e.Frame:x}");
    }

    public override void OnPageUnmapped(PageEvent e)
    {
        Unmapped.Add(new Page(e.Process.Pid, e.VirtualAddress, e.Frame, e.Protection));
        Trace.Add($"unmap {e.Process} 0x{e.VirtualAddress:x} 0x{e.Frame:x}");
    }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        Switches.Add(new Switch(e.From?.Pid, e.To.Pid, e.From?.Statistics.Instructions ?? 0,
            Powers.Processes.ToDictionary(p => p.Pid, p => p.Statistics.Instructions), Exited.Count));
        Trace.Add($"switch {e.From} {e.To}");
    }

    public override void OnSwapOut(SwapEvent e)
    {
        SwapOuts.Add(e);
        Swaps.Add((true, e));
        Trace.Add($"swap-out {e}");
    }

    public override void OnSwapIn(SwapEvent e)
    {
        SwapIns.Add(e);
        Swaps.Add((false, e));
        Trace.Add($"swap-in {e}");
    }

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        Messages.Add((e.Channel, e.Sender.Pid, [.. e.Payload]));
        Trace.Add($"message {e.Channel} {e.Sender} {Convert.ToHexString(e.Payload)}");
    }

    public override void OnShutdown()
    {
        Shutdowns++;
        Trace.Add("shutdown");
    }

    private static ProcessRecord Record(Process p) => new(p.Pid, p.Name, p.ExitCode, p.KillReason, p.State);
}
