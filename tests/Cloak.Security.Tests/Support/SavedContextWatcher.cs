using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Security.Tests.Support;

/// <summary>
/// Reads every process's saved register context, as the OS keeps it between runs, at every context
/// switch and every system call: the sealed blob of a protected process and the register file the
/// OS can see. Reports where any byte pattern or 64-bit word it looks for turned up (SPEC R2: no
/// plaintext in a saved context; 2.3: "the OS sees cleared registers").
/// </summary>
internal sealed class SavedContextWatcher(IReadOnlyList<(string Name, byte[] Pattern)> patterns, IReadOnlyList<(string Name, ulong Word)> words)
    : Adversary
{
    private readonly List<string> _sightings = [];

    public int SealedContextsRead { get; private set; }
    public int PlainContextsRead { get; private set; }
    public IReadOnlyList<string> Sightings => _sightings;

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        foreach (var process in Powers.Processes.Where(p => p.State is not (ProcessState.Zombie or ProcessState.Reaped)))
            Inspect(process, $"switch to {e.To}");
    }

    public override void OnSyscall(SyscallEvent e) => Inspect(e.Process, $"system call {e.Number}");

    private void Inspect(Process process, string when)
    {
        var context = Powers.SavedContext(process);
        if (context.SealedState is { } blob)
        {
            SealedContextsRead++;
            foreach (var (name, pattern) in patterns)
                if (blob.AsSpan().IndexOf(pattern) >= 0) _sightings.Add($"{name} in the sealed context of {process} at {when}");
            foreach (var (name, word) in words)
                if (blob.AsSpan().IndexOf(BitConverter.GetBytes(word)) >= 0) _sightings.Add($"{name} word in the sealed context of {process} at {when}");
        }
        else
        {
            PlainContextsRead++;
        }
        for (int r = 1; r < 32; r++)
            foreach (var (name, word) in words)
                if (context[r] == word) _sightings.Add($"{name} word in register x{r} of {process} at {when}");
    }
}
