using Cloak.Elf;
using Cloak.Isa;

namespace Cloak.Sealing;

/// <summary>Seals user programs for a chip (the vendor's side of SPEC 2.4's distribution key).</summary>
public static class ElfSealer
{
    /// <summary>
    /// Encrypts a libcloak user program's page groups for the chip with <paramref name="chipPublicKey"/>.
    /// <paramref name="provision"/> fills named data symbols (keys the vendor gives the program in
    /// advance, e.g. a common key or signing keys) in the sealed copy only: the plain ELF keeps zeros.
    /// </summary>
    public static byte[] Seal(ElfImage image, ReadOnlySpan<byte> chipPublicKey, IReadOnlyDictionary<string, byte[]>? provision = null, ushort flags = 0)
    {
        if (image.Symbol("__cloak_start") is null)
            throw new ElfFormatException("only user programs linked with libcloak (guest/lib) can be sealed: a sealed program runs as a process");
        // Each region's rights come from its segments' flags: a segment without any is refused, not sealed unreadable.
        if (image.Segments.FirstOrDefault(s => s.HasNoFlags) is { } unflagged)
            throw new ElfFormatException($"{unflagged} has no permission flags (p_flags = 0): a sealed region takes its rights from them");
        var groups = image.PageGroups().ToList();
        foreach (var (symbol, value) in provision ?? new Dictionary<string, byte[]>())
        {
            ulong address = image.Symbol(symbol) ?? throw new ElfFormatException($"cannot provision '{symbol}': the program has no such symbol");
            if (groups.Any(x => x.Flags.HasFlag(SegmentFlags.Execute) && address >= x.Start && address < x.End))
                throw new ElfFormatException($"cannot provision '{symbol}': it lies in the executable segment (code and constants), not in initialised data: declare it with CLOAK_PROVISIONED from cloak/cloak.h");
            if (image.SymbolSize(symbol) != (ulong)value.Length)
                throw new ElfFormatException($"cannot provision '{symbol}': it is {image.SymbolSize(symbol)} bytes, the value is {value.Length}");
            int g = groups.FindIndex(x => address >= x.Start && address + (ulong)value.Length <= x.Start + (ulong)x.Bytes.Length);
            if (g < 0) throw new ElfFormatException($"cannot provision '{symbol}': it is not initialised data (declare it with CLOAK_PROVISIONED from cloak/cloak.h, which puts it in .data)");
            value.CopyTo(groups[g].Bytes, (int)(address - groups[g].Start));
        }
        var regions = groups.Select(g => new PlainRegion(g.Start, g.End - g.Start,
            (g.Flags.HasFlag(SegmentFlags.Read) ? RegionPermissions.Read : 0) |
            (g.Flags.HasFlag(SegmentFlags.Write) ? RegionPermissions.Write : 0) |
            (g.Flags.HasFlag(SegmentFlags.Execute) ? RegionPermissions.Execute : 0), g.Bytes)).ToList();
        try
        {
            return ImageSealer.Seal(regions, image.Entry, chipPublicKey, flags);
        }
        finally
        {
            // The plaintext copy now holds the provisioned keys: do not leave them to the garbage collector.
            if (provision is { Count: > 0 })
                foreach (var group in groups) System.Security.Cryptography.CryptographicOperations.ZeroMemory(group.Bytes);
        }
    }
}
