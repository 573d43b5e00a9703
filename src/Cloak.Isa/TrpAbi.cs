namespace Cloak.Isa;

/// <summary>What an encrypted region is for (SPEC 2.3). The kind decides nothing about the cipher; it is recorded for reports and checks.</summary>
public enum RegionKind : byte
{
    /// <summary>Program code and data from the sealed image, under the program key.</summary>
    Private = 0,
    /// <summary>A region whose key the chip generated and never exposes (key-exchange data, protocol secrets).</summary>
    Hidden = 1,
    /// <summary>A region shared with other processes under a common key.</summary>
    Shared = 2,
    /// <summary>A key notification region shared by one owner and one client under their pairwise key.</summary>
    Notification = 3,
}

/// <summary>Access rights an EAR entry grants (the MMU's rights still apply as well).</summary>
[Flags]
public enum RegionPermissions : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>Result codes of TRP instructions, returned in rd (0 = success). C side: guest/include/cloak/trp.h.</summary>
public enum TrpStatus : long
{
    Ok = 0,
    /// <summary>The sealed image was made for another chip.</summary>
    WrongChip = 1,
    /// <summary>The sealed image or its key failed authentication (corrupted, truncated or spliced).</summary>
    BadImage = 2,
    /// <summary>The EAR table of the process is full.</summary>
    EarFull = 3,
    /// <summary>The region overlaps an existing EAR entry, or its bounds are not page aligned and non-empty.</summary>
    BadRegion = 4,
    /// <summary>No EAR entry starts at the given address.</summary>
    NoSuchRegion = 5,
    /// <summary>The on-chip key table is full.</summary>
    KeyTableFull = 6,
    /// <summary>A descriptor field is out of range (lengths, algorithm numbers, kinds).</summary>
    BadDescriptor = 7,
    /// <summary>A public key is not a valid curve point.</summary>
    BadKey = 8,
    /// <summary>Signature verification failed.</summary>
    BadSignature = 9,
    /// <summary>The chip cannot track more protected contexts.</summary>
    ContextTableFull = 10,
    /// <summary>The process is already in encrypted execution mode.</summary>
    AlreadyProtected = 11,
    /// <summary>Authenticated mode: every on-chip integrity root is held by a region some live context maps.</summary>
    RegionTableFull = 12,
    /// <summary>The caller is a plain process: only a protected one has a measurement to attest (trp.attest).</summary>
    NotProtected = 13,
}
