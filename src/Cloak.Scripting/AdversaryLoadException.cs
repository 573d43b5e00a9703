namespace Cloak.Scripting;

/// <summary>Why adversaries could not be loaded, in the terms a command line turns into an exit code.</summary>
public enum AdversaryLoadFailure
{
    /// <summary>The file does not exist or cannot be read (exit 66).</summary>
    CannotOpen,
    /// <summary>The file is refused: compile errors, not an assembly, no adversary in it, a reference into the chip, a constructor that failed (exit 65).</summary>
    Refused,
    /// <summary>The way it was asked for is wrong: not a .cs or .dll file, an argument nobody takes or a missing one (exit 2).</summary>
    Usage,
}

/// <summary>Adversaries could not be loaded; <see cref="Exception.Message"/> is one line naming the file and the problem.</summary>
public sealed class AdversaryLoadException : Exception
{
    public AdversaryLoadException(AdversaryLoadFailure failure, string message, IReadOnlyList<string>? diagnostics = null) : base(message)
    {
        Failure = failure;
        Diagnostics = diagnostics ?? [];
    }

    public AdversaryLoadFailure Failure { get; }

    /// <summary>The compiler's diagnostics, one per line as <c>FILE:LINE:COLUMN: error CSnnnn: text</c> (empty unless it was a compile error).</summary>
    public IReadOnlyList<string> Diagnostics { get; }
}
