namespace Cloak.Isa;

/// <summary>What a memory access is for; decides the permission checked and the fault raised.</summary>
public enum AccessType : byte
{
    Fetch,
    Load,
    /// <summary>Stores and AMOs (an AMO needs read and write permission and reports store faults).</summary>
    Store,
}
