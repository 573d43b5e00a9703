namespace Cloak.Chip.Security;

/// <summary>
/// The protection state of the process the hart is running in encrypted instruction execution mode:
/// its context id, program identity (the sealed image's digest: its measurement), whether the image was
/// sealed debuggable, and its EAR table (whose entries hold key-slot references). It exists only on
/// chip while the process runs, and inside the sealed context (and the on-chip context registry) while
/// it does not.
/// </summary>
internal sealed class ProtectedState(uint contextId, byte[] programIdentity, bool debuggable, EarTable ear)
{
    public uint ContextId { get; } = contextId;
    public byte[] ProgramIdentity { get; } = programIdentity;
    public bool Debuggable { get; } = debuggable;
    public EarTable Ear { get; } = ear;
}

/// <summary>Counters of the protection hardware, for <c>--stats</c>.</summary>
public sealed class ProtectionStatistics
{
    public ulong EarLookups { get; internal set; }
    public ulong ContextSaves { get; internal set; }
    public ulong ContextRestores { get; internal set; }
    public ulong ContextsRefused { get; internal set; }
    public ulong IntegrityFaults { get; internal set; }
    public ulong TrpInstructions { get; internal set; }
}
