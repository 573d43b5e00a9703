using Cloak.Isa;
using Cloak.Platform;

namespace Cloak.Chip;

/// <summary>The TRP instructions (docs/isa.md), named for observers and statistics.</summary>
public enum TrpOperation : byte { Enter, Mode, Hidden, Private, EarSet, EarClear, Random, KeyPair, Agree, Sign, Verify, Attest, VerifyReport }

/// <summary>
/// One TRP instruction as the chip reports it: which, for which protected context (0: plain mode),
/// and its outcome: a status in rd, or a trap (<see cref="Fault"/>) when it was used in plain mode or
/// with an operand outside protected memory.
/// </summary>
public readonly record struct TrpRecord(TrpOperation Operation, uint ContextId, TrpStatus Status, TrapCause? Fault = null);

/// <summary>
/// An EAR entry appearing or going (SPEC 2.3): where, how long, which region, its kind and rights,
/// and the key context (the chip's key-table slot: a number, never the key).
/// </summary>
public readonly record struct EarChange(
    uint ContextId, bool Added, ulong Start, ulong Length, uint RegionId, RegionKind Kind, RegionPermissions Permissions, int KeyContext, uint Instance);

/// <summary>
/// What the chip tells the host's instruments (statistics, event traces, timelines): a host power, set
/// on <see cref="Processor.Observer"/>, that an OS model never holds. It carries metadata only (context
/// ids, region ids, key-slot numbers, statuses), never key bytes or plaintext: SPEC 2.3 says no debugger
/// or OS structure reads a key back, and this is a debugger of sorts. Hooks run on the simulation
/// thread inside the instruction that caused them and must not throw.
/// </summary>
public abstract class ChipObserver
{
    /// <summary>A TRP instruction retired (or trapped).</summary>
    public virtual void TrpExecuted(in TrpRecord record) { }

    public virtual void EarChanged(in EarChange change) { }

    /// <summary>A protected line failed authentication on its way in (authenticated mode), at a virtual address of context <paramref name="contextId"/>.</summary>
    public virtual void IntegrityFault(uint contextId, ulong virtualAddress) { }

    /// <summary>A protected context left the hart sealed (<paramref name="atEcall"/>: for a system call).</summary>
    public virtual void ContextSealed(uint contextId, bool atEcall) { }

    /// <summary>A sealed context was checked and resumed.</summary>
    public virtual void ContextResumed(uint contextId) { }

    /// <summary>A sealed context was refused (modified, foreign, stale or unknown: SPEC R4).</summary>
    public virtual void ContextRefused(uint contextId, ContextRefusal refusal) { }

    /// <summary>
    /// A protected line crossed the bus (a fill or a write-back), with the key context it is encrypted
    /// under: the chip's own label, which a probe on the bus (an <see cref="IBusTap"/>) does not get.
    /// </summary>
    public virtual void LineTransferred(ulong physicalAddress, BusDirection direction, int keyContext) { }

    /// <summary>A protected context's process ended and the chip forgot it (its EAR entries go with it).</summary>
    public virtual void ContextReleased(uint contextId) { }
}
