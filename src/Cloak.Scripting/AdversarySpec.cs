namespace Cloak.Scripting;

/// <summary>
/// An adversary as the command line names it: <c>FILE[:ARG]</c>, where FILE is a C# file (.cs) or an
/// assembly (.dll) and ARG, if given, is handed to each adversary class's constructor that takes one
/// string. The file is everything up to the first ".cs:" or ".dll:", so an argument may itself hold
/// colons (<c>spy.cs:client,at=switch:3</c>).
/// </summary>
public sealed record AdversarySpec(string Path, string? Argument)
{
    public static AdversarySpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string extension in (string[])[".cs:", ".dll:"])
        {
            int at = text.IndexOf(extension, StringComparison.OrdinalIgnoreCase);
            if (at > 0) return new AdversarySpec(text[..(at + extension.Length - 1)], text[(at + extension.Length)..]);
        }
        return new AdversarySpec(text, null);
    }

    /// <summary>What kind of file <see cref="Path"/> names, by its extension.</summary>
    public AdversarySourceKind Kind =>
        Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? AdversarySourceKind.CSharp
        : Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? AdversarySourceKind.Assembly
        : AdversarySourceKind.Unknown;

    public override string ToString() => Argument is null ? Path : $"{Path}:{Argument}";
}

/// <summary>Where adversaries come from.</summary>
public enum AdversarySourceKind
{
    Unknown,
    /// <summary>One C# file, compiled at run time.</summary>
    CSharp,
    /// <summary>A .NET assembly the user built.</summary>
    Assembly,
}
