using Cloak.Kernel.Adversaries;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// Ends a companion process (the spinner that keeps the scheduler switching) as soon as the process it
/// accompanies has ended, so a run stops when the interesting process does.
/// </summary>
internal sealed class CompanionReaper(string process, string companion) : Adversary
{
    public override void OnProcessExited(ProcessEvent e)
    {
        if (e.Process.Name == process && Powers.Find(companion) is { } other) Powers.Kill(other, $"{process} has ended");
    }
}
