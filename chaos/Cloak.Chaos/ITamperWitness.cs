namespace Cloak.Chaos;

/// <summary>
/// An adversary run beside the chaos (<see cref="ChaosRun.Execute"/>'s <c>alongside</c>) that changes
/// protected data too and says whose: its victims count as tampered with, as the chaos's own do
/// (<see cref="Attacks.Chaos.ChaosAdversary.TamperedProcesses"/>), when the invariants judge a canary
/// found in plain memory.
/// </summary>
public interface ITamperWitness
{
    /// <summary>Processes whose protected data (code or data lines in DRAM or swap) it changed so far.</summary>
    IReadOnlySet<int> TamperedProcesses { get; }
}
