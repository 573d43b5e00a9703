// duplicate.cs: an OS that duplicates a protected process and runs both copies.
//
// What it shows: an attack the built-in set lacks. When the victim (a process of the program named by
// ARG, "client" by default) comes up for its third run in encrypted execution mode, the OS starts a
// second process from the same sealed image and, before that copy runs a single instruction of its
// own, gives it a copy of the victim's saved context (the sealed registers, pc and EAR state the OS
// keeps), so that both copies would carry on from the same point: a fork the program never asked for.
// With ARG "NAME,rerun" it runs the copy in the victim's own address space instead: it keeps the
// victim's saved context from that run and resumes the victim from it again after the victim has
// moved on.
//
// Expected outcome: the second copy never runs. The chip binds a sealed context to the address space
// it was sealed in (satp) and to a version it advances at every seal:
//   - clone (default): the copy is refused as belonging to another address space (ContextRefusal
//     ForeignAddressSpace) and killed; the victim is untouched and finishes as it would have.
//   - rerun: the victim itself is refused at that resume as an older version of its context
//     (ContextRefusal Stale) and killed: whichever copy runs second is refused.
// A second process started from the sealed image without a copied context is no duplicate: it is
// another instance, with its own context and fresh hidden-region keys, sharing nothing with the first.
//
// Run it:  cloak demo m4 --attack none --adversary examples/adversaries/duplicate.cs
//          cloak run --chip chip.key producer.sealed consumer.sealed --adversary examples/adversaries/duplicate.cs:consumer
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;

namespace Cloak.Examples.Adversaries;

public sealed class Duplicate : Adversary
{
    private readonly string _victim;
    private readonly bool _rerun;
    private int _protectedRuns;
    private Process? _original;
    private Process? _copy;
    private byte[]? _kept;

    public Duplicate() : this("client") { }

    public Duplicate(string argument)
    {
        string[] parts = argument.Split(',', StringSplitOptions.TrimEntries);
        if (parts[0].Length == 0) throw new ArgumentException("name the program whose process to duplicate, e.g. client or client,rerun");
        if (parts.Length > 2 || (parts.Length == 2 && parts[1] != "rerun")) throw new ArgumentException($"'{argument}': expected NAME or NAME,rerun");
        _victim = parts[0];
        _rerun = parts.Length == 2;
    }

    public override void OnResume(ProcessEvent e)
    {
        var process = e.Process;
        if (process == _copy && _original is not null)
        {
            CopyContext(from: _original, to: _copy);
            return;
        }
        if (process.Name != _victim || !process.IsProtected || (_original is not null && process != _original)) return;
        _original = process;
        _protectedRuns++;
        var context = Powers.SavedContext(process);
        if (_protectedRuns == 3 && !_rerun)
        {
            _copy = Powers.Start(process.Name);
            Declare($"started pid {_copy?.Pid} as a second copy of {Who(process)}", _copy);
        }
        else if (_protectedRuns == 3 && _rerun)
        {
            _kept = [.. context.SealedState!];
        }
        else if (_protectedRuns == 5 && _kept is not null)
        {
            context.SealedState = _kept;   // run the copy kept at run 3, in the victim's own address space
            Declare($"resumed {Who(process)} from the saved context of its run 3", process);
        }
    }

    public override void OnShutdown()
    {
        string outcome = _original is null ? $"no process of '{_victim}' ran in encrypted execution mode: nothing was duplicated"
            : _rerun ? _kept is null ? $"{Who(_original)} ended before its run 3" : $"{Who(_original)}: {Ending(_original)}"
            : _copy is null ? $"{Who(_original)} ended before its run 3"
            : $"the copy, pid {_copy.Pid}: {Ending(_copy)}; the original, {Who(_original)}: {Ending(_original)}";
        Console.Error.WriteLine($"duplicate: {outcome}");
    }

    private void CopyContext(Process from, Process to)
    {
        var source = Powers.SavedContext(from);
        var target = Powers.SavedContext(to);
        if (source.SealedState is not { } sealedState) return; // the original ended meanwhile
        target.SealedState = [.. sealedState];
        target.Pc = source.Pc;
        for (int r = 1; r < 32; r++) target[r] = source[r];
        Declare($"gave pid {to.Pid} a copy of {Who(from)}'s saved context", to);
    }

    private static string Who(Process p) => $"{p.Name} (pid {p.Pid})";

    private static string Ending(Process p) => p.End switch
    {
        ProcessEnd.Exited => $"exited {p.ExitCode}",
        ProcessEnd.ContextRefused => $"context refused ({p.Refusal})",
        ProcessEnd.Running => "still running",
        var end => $"{end} ({p.KillReason})",
    };
}
