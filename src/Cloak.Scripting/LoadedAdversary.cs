using Cloak.Kernel.Adversaries;

namespace Cloak.Scripting;

/// <summary>One adversary made from a user's file, ready to attach to a kernel.</summary>
public sealed record LoadedAdversary(Adversary Adversary, string TypeName, AdversarySpec Source);

/// <summary>
/// What loading one file gave: its adversaries, and what is worth telling the user (compiler warnings
/// of a fresh compile, a cache that could not be written).
/// </summary>
public sealed record AdversaryLoadResult(IReadOnlyList<LoadedAdversary> Adversaries, IReadOnlyList<string> Warnings)
{
    /// <summary>For a C# file: true if it was compiled now, false if the compiled assembly came from the cache.</summary>
    public bool Compiled { get; init; }

    /// <summary>Host time spent compiling (zero when it came from the cache or was an assembly).</summary>
    public TimeSpan CompileTime { get; init; }
}
