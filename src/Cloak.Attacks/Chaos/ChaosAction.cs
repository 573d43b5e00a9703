namespace Cloak.Attacks.Chaos;

/// <summary>Everything the chaos adversary can do (docs/reliability.md, "The chaos adversary", lists them with what each should cause).</summary>
public enum ChaosActionKind
{
    /// <summary>Flips one bit of a protected page in DRAM.</summary>
    FlipDram,
    /// <summary>Flips one bit of a swap slot holding a protected page.</summary>
    FlipSwap,
    /// <summary>Flips one bit of a line's write counter (authenticated mode's off-chip metadata).</summary>
    FlipCounter,
    /// <summary>Flips one bit of a line's MAC.</summary>
    FlipMac,
    /// <summary>Flips one bit of a counter-tree node.</summary>
    FlipTreeNode,
    /// <summary>Undoes an earlier metadata flip (a transient fault: the metadata is right again).</summary>
    UnflipMetadata,
    /// <summary>Copies a protected page (and, in authenticated mode, its region's metadata) to put back later.</summary>
    CapturePage,
    /// <summary>Puts a captured page back where its page is now (with its old metadata, or without).</summary>
    ReplayPage,
    /// <summary>Copies a region's metadata (counters, MACs, tree nodes) to put back later.</summary>
    CaptureMetadata,
    /// <summary>Puts captured metadata back.</summary>
    ReplayMetadata,
    /// <summary>Moves a line (and its counter and MAC) of an image region from one running copy of a sealed image to another.</summary>
    SpliceInstances,
    /// <summary>Copies a line or a page from one protected page to another (other region, process or offset).</summary>
    SpliceRegions,
    /// <summary>Exchanges the contents of two swap slots, or copies a line between them, before a swap-in.</summary>
    SpliceSwap,
    /// <summary>Hands a page coming back from swap the old contents it had at an earlier swap-out.</summary>
    ReplaySwap,
    /// <summary>Flips bits of a protected process's sealed context just before it resumes.</summary>
    FlipContext,
    /// <summary>Exchanges the sealed contexts of two protected processes.</summary>
    SwapContexts,
    /// <summary>Hands a protected process an older sealed context of its own.</summary>
    ReplayContext,
    /// <summary>Starts another copy of a sealed program and gives it a running copy's sealed context.</summary>
    Duplicate,
    /// <summary>Maps a protected frame into another process (which never touches it: a power shown, not used).</summary>
    MapForeign,
    /// <summary>Maps another protected frame under a page the kernel is mapping (a remap the victim will use).</summary>
    SubstituteFrame,
    /// <summary>Drops a channel message.</summary>
    DropMessage,
    /// <summary>Holds a message (and the ones after it on that channel) back until someone next receives: a pure delay.</summary>
    DelayMessage,
    /// <summary>Holds a message back until the next one on its channel has gone, then sends it: the two arrive swapped.</summary>
    ReorderMessage,
    /// <summary>Flips bits of a message, truncates or extends it.</summary>
    AlterMessage,
    /// <summary>Sends an earlier message again (as it was, or altered).</summary>
    InjectMessage,
}

/// <summary>What the chaos did, as it declared it; <see cref="Step"/> counts the hooks the chaos was called at.</summary>
public sealed record ChaosAction(long Step, ChaosActionKind Kind, int? Pid, string Detail)
{
    public override string ToString() => $"#{Step} {Kind}{(Pid is { } p ? $" pid {p}" : "")}: {Detail}";
}

/// <summary>What each kind of action can do to the processes, for the invariants that judge a run.</summary>
public static class ChaosActions
{
    /// <summary>
    /// Actions that change what a protected process reads from memory (DRAM, swap, the integrity
    /// metadata, its page table): in authenticated mode the chip must stop the reader with an
    /// integrity fault; in confidentiality mode the reader gets garbage.
    /// </summary>
    public static bool ChangesProtectedData(ChaosActionKind kind) => kind is ChaosActionKind.FlipDram or ChaosActionKind.FlipSwap
        or ChaosActionKind.FlipCounter or ChaosActionKind.FlipMac or ChaosActionKind.FlipTreeNode or ChaosActionKind.UnflipMetadata
        or ChaosActionKind.ReplayPage or ChaosActionKind.ReplayMetadata or ChaosActionKind.SpliceInstances or ChaosActionKind.SpliceRegions
        or ChaosActionKind.SpliceSwap or ChaosActionKind.ReplaySwap or ChaosActionKind.SubstituteFrame;

    /// <summary>
    /// Actions that change what crosses a channel (dropped, altered, injected: not a pure delay). The
    /// sharing protocol's messages are not authenticated beyond the signed key exchange (M3, signed M4/M5),
    /// so a process at either end may legitimately end with wrong data or a failed step.
    /// </summary>
    public static bool ChangesMessages(ChaosActionKind kind) =>
        kind is ChaosActionKind.DropMessage or ChaosActionKind.ReorderMessage or ChaosActionKind.AlterMessage or ChaosActionKind.InjectMessage;

    /// <summary>Actions on saved contexts, after which the chip must refuse the forged context (SPEC R4).</summary>
    public static bool ForgesContext(ChaosActionKind kind) =>
        kind is ChaosActionKind.FlipContext or ChaosActionKind.SwapContexts or ChaosActionKind.ReplayContext or ChaosActionKind.Duplicate;

    /// <summary>Actions that only make sense in authenticated mode (there is no metadata otherwise).</summary>
    public static bool NeedsMetadata(ChaosActionKind kind) => kind is ChaosActionKind.FlipCounter or ChaosActionKind.FlipMac
        or ChaosActionKind.FlipTreeNode or ChaosActionKind.UnflipMetadata or ChaosActionKind.CaptureMetadata or ChaosActionKind.ReplayMetadata;
}
