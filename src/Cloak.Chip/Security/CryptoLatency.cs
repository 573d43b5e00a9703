namespace Cloak.Chip.Security;

/// <summary>
/// The timing model of the protection hardware: cycles each operation adds to the hart's cycle count
/// (which drives mcycle, the CLINT timer and so preemption). Everything else costs one cycle per
/// instruction in both plain and protected execution, so the difference between the two runs'
/// simulated cycles is exactly what this table charges. Defaults assume a pipelined AES unit
/// (10 rounds, 4 blocks of a line in flight, tweak in parallel), a 5-block CBC-MAC, one MAC-sized
/// hash per tree node, and AES-GCM over a ~600-byte context record (see docs/memory-access-flow.md).
/// </summary>
public sealed record CryptoLatency
{
    /// <summary>Decrypting a 64-byte line on a cache fill (beyond the DRAM access itself).</summary>
    public ulong DecryptLineCycles { get; init; } = 40;
    /// <summary>Encrypting a dirty 64-byte line on write-back.</summary>
    public ulong EncryptLineCycles { get; init; } = 40;
    /// <summary>Computing one line MAC (check on fill, or new MAC on write-back; authenticated mode).</summary>
    public ulong MacCycles { get; init; } = 50;
    /// <summary>Hashing one counter-tree node (verification or update; authenticated mode).</summary>
    public ulong TreeNodeCycles { get; init; } = 50;
    /// <summary>Sealing or unsealing a protected context at a trap or a resume.</summary>
    public ulong ContextCycles { get; init; } = 400;

    /// <summary>No added latency: protection is free (for studies of the functional behaviour only).</summary>
    public static CryptoLatency None { get; } = new() { DecryptLineCycles = 0, EncryptLineCycles = 0, MacCycles = 0, TreeNodeCycles = 0, ContextCycles = 0 };

    /// <summary>Parses "decrypt,encrypt,mac,node,context" cycles (e.g. "40,40,50,50,400").</summary>
    public static CryptoLatency Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 5 || !parts.All(p => ulong.TryParse(p.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong v) && v <= 1_000_000))
            throw new FormatException($"'{text}': expected five cycle counts decrypt,encrypt,mac,node,context (each 0-1000000), e.g. 40,40,50,50,400");
        var v = parts.Select(p => ulong.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new CryptoLatency { DecryptLineCycles = v[0], EncryptLineCycles = v[1], MacCycles = v[2], TreeNodeCycles = v[3], ContextCycles = v[4] };
    }

    public override string ToString() => $"{DecryptLineCycles},{EncryptLineCycles},{MacCycles},{TreeNodeCycles},{ContextCycles}";
}
