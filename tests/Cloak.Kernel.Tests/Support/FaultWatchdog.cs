using Cloak.Kernel.Adversaries;

namespace Cloak.Kernel.Tests.Support;

/// <summary>
/// Stops a process that the kernel keeps faulting in without it retiring a single instruction.
/// The kernel's instruction limit counts only retired instructions, so such a livelock would hang
/// the test run; this turns it into a kill with a reason the test can report.
/// </summary>
internal sealed class FaultWatchdog(int limit = 20_000) : Adversary
{
    private int _pid;
    private ulong _instructions;
    private int _faults;

    /// <summary>Why the watchdog stopped a process, or null if it never had to.</summary>
    public string? Fired { get; private set; }

    public override void OnPageMapped(PageEvent e)
    {
        var process = e.Process;
        if (process.Pid != _pid || process.Statistics.Instructions != _instructions)
        {
            _pid = process.Pid;
            _instructions = process.Statistics.Instructions;
            _faults = 0;
            return;
        }
        if (++_faults < limit || Fired is not null) return;
        Fired = $"watchdog: {limit} page faults of {process} in a row without an instruction retiring (last at 0x{e.VirtualAddress:x})";
        Powers.Kill(process, Fired);
    }
}
