namespace Cloak.Chip.Cpu;

/// <summary>What the hart does with a misaligned load or store (unprivileged spec 2.6 leaves it to the EEI).</summary>
public enum MisalignedAccessPolicy
{
    /// <summary>Carry the access out in hardware, as QEMU does. AMOs and LR/SC still trap.</summary>
    Allow,
    /// <summary>Raise load/store address-misaligned exceptions, as Spike does by default.</summary>
    Trap,
}

/// <summary>How the hart executes instructions (docs/architecture.md, the hart).</summary>
public enum ExecutionEngine
{
    /// <summary>Hot basic blocks compiled to host code (IL); cold code, traced and debugged runs interpreted.</summary>
    Translate,
    /// <summary>Every instruction interpreted: the reference the translator is tested against.</summary>
    Interpret,
}

/// <summary>Configuration of one hart.</summary>
public sealed record HartOptions
{
    public int HartId { get; init; }

    public MisalignedAccessPolicy MisalignedAccess { get; init; } = MisalignedAccessPolicy.Allow;

    /// <summary>Entries in each of the direct-mapped instruction and data TLBs (a power of two).</summary>
    public int TlbEntries { get; init; } = 256;

    /// <summary>Recognise the RISC-V semihosting sequence (slli x0,x0,0x1f; ebreak; srai x0,x0,7) in M-mode.</summary>
    public bool Semihosting { get; init; } = true;

    /// <summary>
    /// When true every trap stops <see cref="Hart.Run"/> after the hardware trap entry, so a host
    /// model (the OS kernel) handles it instead of code at mtvec.
    /// </summary>
    public bool HostHandlesTraps { get; init; }

    /// <summary>
    /// The execution engine. The default comes from the environment variable <c>CLOAK_ENGINE</c>
    /// (<c>interp</c> or <c>translate</c>) so a whole test suite can run with the translator off;
    /// without it, <see cref="ExecutionEngine.Translate"/>.
    /// </summary>
    public ExecutionEngine Engine { get; init; } = EngineFromEnvironment();

    /// <summary>Times a block's first instruction is reached by the interpreter before the block is translated.</summary>
    public int TranslationThreshold { get; init; } = 32;

    /// <summary>
    /// Times a physical page may lose its translated blocks (a store or DMA over it, a key eviction, a
    /// context change) before the translator gives up on it and the interpreter runs it for good: code
    /// that rewrites itself, or shares its page with data it writes, would otherwise be translated
    /// again after every write (docs/architecture.md, the block translator).
    /// </summary>
    public int RecompileLimit { get; init; } = 16;

    /// <summary>The engine <c>CLOAK_ENGINE</c> names; <see cref="ExecutionEngine.Translate"/> when it is unset.</summary>
    public static ExecutionEngine EngineFromEnvironment() =>
        ParseEngine(Environment.GetEnvironmentVariable("CLOAK_ENGINE")) ?? ExecutionEngine.Translate;

    /// <summary>Reads an engine name as the CLI and <c>CLOAK_ENGINE</c> spell it (interp, translate); null for anything else or nothing.</summary>
    public static ExecutionEngine? ParseEngine(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "interp" or "interpret" or "interpreter" => ExecutionEngine.Interpret,
        "translate" or "translator" or "jit" => ExecutionEngine.Translate,
        _ => null,
    };

    /// <summary>Simulated cycles per CLINT mtime tick (the timebase is the clock divided by this).</summary>
    public ulong CyclesPerTimerTick { get; init; } = 10;

    public void Validate()
    {
        if (TlbEntries < 1 || (TlbEntries & (TlbEntries - 1)) != 0 || TlbEntries > 1 << 16)
            throw new ArgumentOutOfRangeException(nameof(TlbEntries), TlbEntries, "TLB entries must be a power of two between 1 and 65536");
        if (TranslationThreshold < 1 || TranslationThreshold > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(TranslationThreshold), TranslationThreshold, "translation threshold must be 1-65535");
        if (RecompileLimit < 1 || RecompileLimit > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(RecompileLimit), RecompileLimit, "recompile limit must be 1-65535");
        if (CyclesPerTimerTick == 0)
            throw new ArgumentOutOfRangeException(nameof(CyclesPerTimerTick), "cycles per timer tick must be at least 1");
    }
}

/// <summary>Why <see cref="Hart.Run"/> returned.</summary>
public enum StopReason
{
    /// <summary>The instruction budget ran out.</summary>
    InstructionLimit,
    /// <summary>A trap was taken and <see cref="HartOptions.HostHandlesTraps"/> hands it to the host.</summary>
    Trap,
    /// <summary>A trap was taken with no handler installed (mtvec is zero).</summary>
    UnhandledTrap,
    /// <summary>The semihosting sequence asks the host for a service; pc is at the ebreak.</summary>
    Semihosting,
    /// <summary>A device or a watched address (HTIF tohost) wants the host's attention.</summary>
    Attention,
    /// <summary>wfi with no interrupt that could ever wake the hart.</summary>
    WaitingForever,
    /// <summary>A jump to itself with no interrupt that could ever take the hart out of the loop (pc is at the jump).</summary>
    SpinningForever,
    /// <summary>
    /// The trap handler's first instruction itself traps with the same cause, retiring nothing: the
    /// hart would take the same trap forever (mepc and mtvec point at the same place; a handler
    /// overwritten or never installed at mtvec).
    /// </summary>
    TrapLoop,
}

/// <summary>The outcome of a <see cref="Hart.Run"/> call.</summary>
public readonly record struct RunResult(StopReason Reason, long InstructionsRetired);
