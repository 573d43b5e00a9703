namespace Cloak.Sealing;

/// <summary>
/// Bits of a sealed image's header <c>Flags</c> word (docs/sealed-image.md). The header digest covers
/// them, so a flag is part of the program's identity: an image cannot be made debuggable after it was
/// sealed without becoming another program.
/// </summary>
[Flags]
public enum SealedImageFlags : ushort
{
    None = 0,

    /// <summary>Sealed with <c>cloak seal --debuggable</c>: a debugger attached to the run may read the
    /// process's registers and plaintext (issue 12); recorded in its measurement and attestation reports.</summary>
    Debuggable = 1,
}
