using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Security.Tests.Support;

/// <summary>Flips one bit of the victim's sealed context before its <paramref name="atRun"/>-th scheduling (SPEC R4: modified).</summary>
internal sealed class ContextBitFlipAdversary(string victim, int atRun, Func<int, int> offsetForLength, int bit) : VictimAdversary(victim)
{
    public bool Flipped { get; private set; }

    protected override void OnVictimRun(Process victim, int run)
    {
        var context = Powers.SavedContext(victim);
        if (Flipped || run < atRun || context.SealedState is not { } blob) return;
        byte[] changed = [.. blob];
        changed[offsetForLength(changed.Length)] ^= (byte)(1 << bit);
        context.SealedState = changed;
        Flipped = true;
    }
}

/// <summary>Cuts the victim's sealed context short before its <paramref name="atRun"/>-th scheduling.</summary>
internal sealed class ContextTruncateAdversary(string victim, int atRun, int keep) : VictimAdversary(victim)
{
    public bool Truncated { get; private set; }

    protected override void OnVictimRun(Process victim, int run)
    {
        var context = Powers.SavedContext(victim);
        if (Truncated || run < atRun || context.SealedState is not { } blob) return;
        context.SealedState = blob[..Math.Min(keep, blob.Length)];
        Truncated = true;
    }
}

/// <summary>
/// Keeps a copy of the victim's sealed context at its <paramref name="captureAtRun"/>-th scheduling and
/// hands that old copy back at its <paramref name="restoreAtRun"/>-th (SPEC R4: stale). With equal runs
/// it hands back an identical copy of the current one: a control that must be accepted.
/// </summary>
internal sealed class ContextReplayAdversary(string victim, int captureAtRun, int restoreAtRun) : VictimAdversary(victim)
{
    private byte[]? _captured;

    public bool Restored { get; private set; }

    protected override void OnVictimRun(Process victim, int run)
    {
        var context = Powers.SavedContext(victim);
        if (run == captureAtRun && context.SealedState is { } blob) _captured = [.. blob];
        if (run == restoreAtRun && _captured is not null)
        {
            context.SealedState = _captured;
            Restored = true;
        }
    }
}

/// <summary>Exchanges the sealed contexts of two protected processes once both have one (SPEC R4: foreign).</summary>
internal sealed class ContextSwapAdversary(string first, string second) : Adversary
{
    public bool Swapped { get; private set; }

    public override void OnContextSwitch(ContextSwitchEvent e)
    {
        if (Swapped || (e.To.Name != first && e.To.Name != second)) return;
        if (Powers.Find(first) is not { } a || Powers.Find(second) is not { } b) return;
        var contextA = Powers.SavedContext(a);
        var contextB = Powers.SavedContext(b);
        if (contextA.SealedState is not { } blobA || contextB.SealedState is not { } blobB) return;
        (contextA.SealedState, contextB.SealedState) = (blobB, blobA);
        Swapped = true;
    }
}

/// <summary>
/// Duplicates a protected process: at the victim's <paramref name="atRun"/>-th scheduling in encrypted
/// mode it starts a second process of the same program and, before that copy runs, gives it a copy of
/// the victim's sealed context and visible registers.
/// </summary>
internal sealed class ContextCloneAdversary(string victim, int atRun) : Adversary
{
    private int _runs;
    private Process? _original;

    /// <summary>The second process, once started.</summary>
    public Process? Copy { get; private set; }

    public override void OnResume(ProcessEvent e)
    {
        if (e.Process == Copy && _original is not null && Powers.SavedContext(_original).SealedState is { } blob)
        {
            var target = Powers.SavedContext(Copy);
            target.SealedState = [.. blob];
            target.Pc = Powers.SavedContext(_original).Pc;
            return;
        }
        if (Copy is not null || e.Process.Name != victim || !e.Process.IsProtected || ++_runs < atRun) return;
        _original = e.Process;
        Copy = Powers.Start(victim);
    }
}
