namespace Cloak.Fuzz;

/// <summary>
/// One fuzz target: an input Cloak takes from someone it does not trust, and the contract it keeps
/// for any bytes at all (docs/reliability.md): a documented refusal (an exception type or a result),
/// never another exception, a hang or unbounded memory. <see cref="Run"/> returns normally when the
/// contract held, whatever the input; a broken contract escapes as an exception, which afl-fuzz
/// records as a crash and the smoke run reports with the input.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name used on the command line, for the corpus folder and the dictionary.</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds and what it must never do, in one line.</summary>
    public abstract string Contract { get; }

    /// <summary>Assemblies (file names) whose branches afl-fuzz sees: fuzz/run instruments these.</summary>
    public abstract IReadOnlyList<string> Instrumented { get; }

    /// <summary>Inputs longer than this are cut (the parsers' interesting structure is near the front).</summary>
    public virtual int MaxInputLength => 64 * 1024;

    /// <summary>The most one case may allocate on the host; more is "unbounded memory".</summary>
    public virtual long MaxAllocatedBytes(int inputLength) => (64L << 20) + 64L * inputLength;

    /// <summary>Runs one input. True if Cloak accepted it (parsed, loaded, ran), false if it refused it as documented.</summary>
    public abstract bool Run(ReadOnlySpan<byte> input);
}

/// <summary>A target's contract broke in a way that is no exception of Cloak's own (a wrong result, a run past its budget).</summary>
public sealed class ContractViolationException : Exception
{
    public ContractViolationException(string message) : base(message) { }
    public ContractViolationException(string message, Exception inner) : base(message, inner) { }
    public ContractViolationException() : base("the fuzz target's contract was broken") { }
}

/// <summary>Every target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new Targets.ElfTarget(),
        new Targets.SealedImageTarget(),
        new Targets.ChipKeyTarget(),
        new Targets.RunFileTarget(),
        new Targets.HartTarget(),
        new Targets.SyscallTarget(),
        new Targets.TrpTarget(),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
