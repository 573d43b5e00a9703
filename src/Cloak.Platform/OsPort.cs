using Cloak.Isa;

namespace Cloak.Platform;

/// <summary>Why a user context stopped running.</summary>
public enum UserExit
{
    /// <summary>The context took a trap (ecall, fault or interrupt): see <see cref="UserRunResult.Trap"/>.</summary>
    Trap,
    /// <summary>The instruction budget ran out; the context resumes where it stopped.</summary>
    Budget,
    /// <summary>The chip refused to resume a sealed context: see <see cref="UserRunResult.Refusal"/>.</summary>
    Refused,
}

/// <summary>Why the chip refused to resume a sealed context (SPEC R4).</summary>
public enum ContextRefusal { None, Unknown, Stale, ForeignAddressSpace, Tampered }

/// <summary>The result of <see cref="OsPort.RunUser"/>.</summary>
public readonly record struct UserRunResult(UserExit Exit, Trap Trap, long InstructionsRetired, ContextRefusal Refusal = ContextRefusal.None);

/// <summary>
/// The narrow port between an operating system and the chip (STYLE.md: "the OS is a client of the
/// hardware"). It is all the OS model and every adversary ever hold: the kernel is built from an
/// <see cref="OsPort"/>, never from the processor, and this assembly cannot name the processor at all
/// (Cloak.Kernel does not reference Cloak.Chip). Through it an OS can run a user context in U-mode
/// until it traps, program the timer that preempts it, flush translations after changing page tables,
/// let idle time pass, read or write DRAM as any bus master could, and host the off-chip integrity
/// metadata. Registers cross the port only as a <see cref="UserContext"/> the port fills on every trap;
/// a protected process's registers cross it sealed.
/// </summary>
public abstract class OsPort
{
    /// <summary>Physical memory, exactly as it is outside the chip.</summary>
    public abstract Dram Memory { get; }

    /// <summary>Simulated cycles since reset.</summary>
    public abstract ulong Cycles { get; }

    /// <summary>The nominal clock the cycle count runs at.</summary>
    public abstract ulong ClockHz { get; }

    /// <summary>Nanoseconds of simulated time since reset.</summary>
    public ulong NowNanoseconds => (ulong)((UInt128)Cycles * 1_000_000_000 / ClockHz);

    public ulong CyclesFromNanoseconds(ulong nanoseconds) => (ulong)((UInt128)nanoseconds * ClockHz / 1_000_000_000);

    /// <summary>True if this chip can run protected (sealed) processes.</summary>
    public abstract bool IsTamperResistant { get; }

    /// <summary>
    /// Runs <paramref name="context"/> in U-mode under its satp until it traps, it has run
    /// <paramref name="timeSliceCycles"/> cycles (a timer interrupt: the trap reports it), or
    /// <paramref name="maxInstructions"/> retire. On return the context holds the registers and the
    /// pc to resume at (for a trap, the pc of the trapping instruction, i.e. mepc). For a protected
    /// context the chip unseals it first (refusing a modified, foreign or stale one) and seals it
    /// again on the way out.
    /// </summary>
    public abstract UserRunResult RunUser(UserContext context, ulong timeSliceCycles, long maxInstructions);

    /// <summary>Forgets a protected process's context when it ends, freeing its place in the chip's context table.</summary>
    public abstract void ReleaseProtectedContext(UserContext context);

    /// <summary>Off-chip integrity metadata (authenticated mode), which the OS hosts; null for a plain chip or confidentiality mode's chip.</summary>
    public abstract IntegrityMetadataStore? IntegrityMetadata { get; }

    /// <summary>Drops cached translations after the OS changed page tables (sfence.vma).</summary>
    public abstract void FlushTranslations();

    /// <summary>Lets simulated time pass with nothing running (all processes blocked).</summary>
    public abstract void Idle(ulong cycles);

    /// <summary>
    /// Clips a probe onto the memory bus: the tap sees every line the encryption path moves (ciphertext)
    /// and, while tapped, every plain data access to DRAM. The bus is outside the chip (SPEC 1), so an
    /// adversary may watch it; false if this chip has no bus interface unit to observe (a plain chip).
    /// </summary>
    public abstract bool AttachBusTap(IBusTap tap);

    public abstract void DetachBusTap(IBusTap tap);
}
