using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Attacks.Chaos;

/// <summary>Actions on the sealed contexts the OS keeps, and duplicated processes.</summary>
public sealed partial class ChaosAdversary
{
    /// <summary>Older sealed contexts of each process, for <see cref="ChaosActionKind.ReplayContext"/>.</summary>
    private readonly Dictionary<int, List<(long Step, byte[] Blob)>> _contextCopies = [];

    /// <summary>Duplicates waiting for a context: at their Nth resumption they get the donor's.</summary>
    private readonly Dictionary<int, (Process Donor, int AtResume, int Resumes)> _duplicates = [];

    private static readonly ChaosActionKind[] ContextKinds = [ChaosActionKind.FlipContext, ChaosActionKind.SwapContexts, ChaosActionKind.ReplayContext];

    public override void OnResume(ProcessEvent e)
    {
        var process = e.Process;
        if (_duplicates.TryGetValue(process.Pid, out var pending))
        {
            Transplant(process, pending);
            return;
        }
        if (!process.IsProtected || Powers.SavedContext(process).SealedState is not { } blob) return;
        // Copying what the OS keeps is passive; handing an old copy back is the action.
        if (Settings.Kinds.Contains(ChaosActionKind.ReplayContext) && _random.Next(4) == 0)
        {
            var copies = _contextCopies.TryGetValue(process.Pid, out var list) ? list : _contextCopies[process.Pid] = [];
            if (copies.Count >= 3) copies.RemoveAt(0);
            copies.Add((_step, [.. blob]));
        }
        if (!Roll()) return;
        switch (Pick(ContextKinds))
        {
            case ChaosActionKind.FlipContext: FlipContext(process, blob); break;
            case ChaosActionKind.SwapContexts: SwapContexts(process, blob); break;
            case ChaosActionKind.ReplayContext: ReplayContext(process, blob); break;
        }
    }

    private void Forge(Process process, byte[] blob)
    {
        Powers.SavedContext(process).SealedState = blob;
        _forged[process.Pid] = blob;
    }

    private void FlipContext(Process process, byte[] blob)
    {
        byte[] forged = [.. blob];
        int flips = 1 + _random.Next(3);
        var bits = new List<int>();
        for (int i = 0; i < flips; i++)
        {
            int bit = _random.Next(forged.Length * 8);
            forged[bit / 8] ^= (byte)(1 << (bit % 8));
            bits.Add(bit);
        }
        if (forged.AsSpan().SequenceEqual(blob)) return; // two flips of one bit cancel
        Forge(process, forged);
        Record(ChaosActionKind.FlipContext, process, $"bit(s) {string.Join(",", bits)} of {process.Name} {process.Pid}'s {blob.Length}-byte sealed context");
    }

    private void SwapContexts(Process process, byte[] blob)
    {
        var others = ProtectedProcesses().Where(p => p != process && Powers.SavedContext(p).SealedState is not null).ToList();
        if (others.Count == 0) return;
        var other = Choose(others);
        byte[] theirs = Powers.SavedContext(other).SealedState!;
        Forge(process, theirs);
        Forge(other, blob);
        Record(ChaosActionKind.SwapContexts, process, $"{process.Name} {process.Pid}'s sealed context with {other.Name} {other.Pid}'s");
    }

    private void ReplayContext(Process process, byte[] blob)
    {
        if (!_contextCopies.TryGetValue(process.Pid, out var copies) || copies.Count == 0) return;
        var (step, old) = Choose(copies);
        if (old.AsSpan().SequenceEqual(blob)) return;
        Forge(process, [.. old]);
        Record(ChaosActionKind.ReplayContext, process, $"{process.Name} {process.Pid}'s sealed context as it was at #{step}");
    }

    /// <summary>Starts another process of a protected process's program, to be given that process's context.</summary>
    private void Duplicate()
    {
        var donors = ProtectedProcesses();
        if (donors.Count == 0) return;
        var donor = Choose(donors);
        int atResume = 1 + _random.Next(3);
        if (Powers.Start(donor.Name) is not { } copy) return;
        _started.Add(copy.Pid);
        _duplicates[copy.Pid] = (donor, atResume, 0);
        Record(ChaosActionKind.Duplicate, copy,
            $"started {copy.Name} {copy.Pid}, a copy of {donor.Name} {donor.Pid}, to get its sealed context at its resumption {atResume}");
    }

    private void Transplant(Process copy, (Process Donor, int AtResume, int Resumes) pending)
    {
        int resumes = pending.Resumes + 1;
        if (resumes < pending.AtResume)
        {
            _duplicates[copy.Pid] = pending with { Resumes = resumes };
            return;
        }
        _duplicates.Remove(copy.Pid);
        var donor = pending.Donor;
        if (!Alive(donor) || Powers.SavedContext(donor).SealedState is not { } blob) return;
        var context = Powers.SavedContext(copy);
        context.Pc = Powers.SavedContext(donor).Pc;
        for (int r = 1; r < 32; r++) context[r] = Powers.SavedContext(donor)[r];
        Forge(copy, [.. blob]);
        Record(ChaosActionKind.Duplicate, copy, $"gave {copy.Name} {copy.Pid} the sealed context of {donor.Name} {donor.Pid}");
    }
}
