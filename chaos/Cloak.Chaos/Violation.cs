namespace Cloak.Chaos;

/// <summary>The invariants a chaos run is held to (docs/reliability.md, "The chaos adversary").</summary>
public enum Invariant
{
    /// <summary>A canary (the shared records' marker, the canary program's patterns) left the chip: on the bus, in DRAM, swap or a message.</summary>
    CanaryLeaked,
    /// <summary>Authenticated mode: a process read data the chaos changed and accepted it (exit code 1 without tampered messages).</summary>
    TamperAccepted,
    /// <summary>M5: the removed client read the re-keyed data with its old key.</summary>
    RemovedClientRead,
    /// <summary>Authenticated mode: an integrity fault although the chaos changed no protected data and no message.</summary>
    FalseAlarm,
    /// <summary>The chip resumed a sealed context the chaos forged (SPEC R4).</summary>
    ForgedContextResumed,
    /// <summary>An exception came out of the run (the CLI would exit 70).</summary>
    InternalError,
    /// <summary>Host memory after the run above the stated bound.</summary>
    MemoryBound,
    /// <summary>The same seed gave another trace.</summary>
    Nondeterministic,
}

public sealed record Violation(Invariant Invariant, string Detail)
{
    public override string ToString() => $"{Invariant}: {Detail}";
}
