using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks;

/// <summary>Flips one bit of a protected process's saved context (which the OS keeps) when it is about to be resumed for the Nth time.</summary>
public sealed class ContextTamper(string victim, int atRun = 6) : Adversary
{
    private int _runs;

    public bool Tampered { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (Tampered || e.To.Name != victim || !e.To.IsProtected || ++_runs < atRun) return;
        var context = Powers.SavedContext(e.To);
        context.SealedState![context.SealedState.Length / 2] ^= 0x10;
        Tampered = true;
    }
}
