namespace Cloak.Chip.Security;

/// <summary>
/// What the protection unit sees of the hart that executes a TRP instruction (docs/isa.md): the
/// caller's protection state and address space, and its memory through the caller's own translation.
/// The TRP operations live in <see cref="ProtectionUnit"/>; the hart only decodes the instruction and
/// hands them this accessor, so every key operand is read and every result written by the one path
/// that checks it lies in the caller's EAR regions (issue 8, item 2: the boundary visible in the code).
/// Every method that returns false has left a trap with the hart (a page fault restarts the
/// instruction; a TRP fault or integrity fault ends it).
/// </summary>
internal interface ITrpCaller
{
    /// <summary>The calling process's protection state; null for a plain process.</summary>
    ProtectedState? Caller { get; }

    /// <summary>The caller's page-table root (satp): an entry in progress belongs to one address space.</summary>
    ulong AddressSpace { get; }

    /// <summary>Reads an operand: every byte must lie in a readable EAR region of the caller (else a TRP fault).</summary>
    bool ReadProtected(ulong va, Span<byte> destination);

    /// <summary>Writes a result: every byte must lie in a writable EAR region of the caller (else a TRP fault).</summary>
    bool WriteProtected(ulong va, ReadOnlySpan<byte> source);

    /// <summary>Reads the caller's memory as a plain access (trp.enter's header and image, placed by the OS).</summary>
    bool ReadPlain(ulong va, Span<byte> destination);

    /// <summary>The RAM frame behind the caller's page at <paramref name="va"/> (trp.enter converts the image in place).</summary>
    bool TryFrame(ulong va, out ulong frame);

    /// <summary>An entry of the caller's EAR table appeared or went: the hart drops translations that may name the old table.</summary>
    void EarChanged(in EarEntry entry, bool added);
}
