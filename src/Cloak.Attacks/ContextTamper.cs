using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks;

/// <summary>Flips one bit of the saved context (which the OS keeps) of a protected process named <paramref name="victim"/>, at the Nth resumption of any process of that name.</summary>
public sealed class ContextTamper(string victim, int atRun = 6) : Adversary
{
    private int _runs;

    public bool Tampered => VictimPid is not null;

    /// <summary>The process whose context was changed.</summary>
    public int? VictimPid { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (Tampered || e.To.Name != victim || !e.To.IsProtected || ++_runs < atRun) return;
        var context = Powers.SavedContext(e.To);
        context.SealedState![context.SealedState.Length / 2] ^= 0x10;
        VictimPid = e.To.Pid;
    }
}
