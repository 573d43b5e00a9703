using System.Globalization;
using System.Text;
using Cloak.Chip;
using Cloak.Platform;

namespace Cloak.Observation;

/// <summary>
/// The inspector's snapshots as text: per line of 64 bytes, where it is and where the process view
/// came from, then four rows of 16 bytes, the process's plaintext view on the left and DRAM's bytes
/// on the right, each in hex and as characters.
/// </summary>
public static class InspectionText
{
    public static void Write(TextWriter o, InspectionSnapshot snapshot)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"Inspector at {snapshot.Point}: {snapshot.Moment}"));
        o.WriteLine(string.Create(c, $"  instruction {snapshot.Instructions:N0}, simulated time {snapshot.Nanoseconds / 1000.0:F1} us; the process view is the chip's plaintext, read by the simulator's inspector (a host power no OS or attacker has)"));
        foreach (var p in snapshot.Processes)
        {
            o.WriteLine();
            if (p.Inspection is not { } inspection)
            {
                o.WriteLine($"  {p.Target}: {p.Problem}");
                continue;
            }
            string who = $"{p.Name} (pid {p.Pid})";
            if (inspection.Refusal != ContextRefusal.None)
            {
                o.WriteLine($"  {who}: its saved context does not open ({Describe(inspection.Refusal)}): the chip would refuse to resume it, and the inspector shows nothing either");
                continue;
            }
            o.WriteLine(inspection.Protected
                ? string.Create(c, $"  {who}: protected, context {inspection.ContextId}, {inspection.Regions.Count} EAR entr{(inspection.Regions.Count == 1 ? "y" : "ies")}")
                : $"  {who}: a plain process (no EAR entries: the process reads DRAM as it is)");
            if (p.Problem is not null) o.WriteLine($"    {p.Problem}");
            InspectedRegion? region = null;
            foreach (var line in inspection.Lines)
            {
                if (line.Region is { } r && r != region)
                {
                    region = r;
                    o.WriteLine("    " + RegionText(r));
                }
                o.WriteLine("      " + LineText(line));
                if (IntegrityText(line) is { } integrity) o.WriteLine("        " + integrity);
                if (line.ProcessView.Length == 0) continue;
                o.WriteLine($"        {"",-4}  {"process view (plaintext, from the chip)",-54}  DRAM (what the OS and the bus see)");
                for (int row = 0; row < line.DramView.Length; row += 16)
                    o.WriteLine(string.Create(c, $"        +{row:x2}   {Row(line.ProcessView, row, line.Source)}  {Row(line.DramView, row, InspectedSource.Plain)}"));
            }
        }
        o.WriteLine();
    }

    public static string RegionText(InspectedRegion r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Kind.ToString().ToLowerInvariant()} region 0x{r.Start:x}-0x{r.Start + r.Length - 1:x} ({Size(r.Length)}), region id 0x{r.RegionId:x8}{(r.Instance != 0 ? $" instance {r.Instance}" : "")}, " +
        $"{(r.KeyContext > 0 ? $"key context {r.KeyContext}" : "key not in the key table now")}, {Rights(r.Permissions)}");

    public static string LineText(InspectedLine line)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder(string.Create(c, $"0x{line.VirtualAddress:x}"));
        if (line.PhysicalAddress is { } pa) s.Append(c, $" (DRAM 0x{pa:x})");
        return s.Append(": ").Append(SourceText(line)).ToString();
    }

    /// <summary>Authenticated mode: the line's stored counter and MAC and whether each checks (null in confidentiality mode).</summary>
    public static string? IntegrityText(InspectedLine line)
    {
        if (line.Counter is not { } counter) return null;
        var c = CultureInfo.InvariantCulture;
        if (line.Dirty) return string.Create(c, $"counter {counter}, MAC {line.Mac:x16}: those of the older version in DRAM (the cache's copy gets new ones when written back)");
        return string.Create(c, $"counter {counter} ({(line.CounterMatchesRoot == true ? "matches the on-chip root" : "does NOT match the on-chip root")}), ") +
               string.Create(c, $"MAC {line.Mac:x16} ({(line.MacMatches == true ? "checks against DRAM" : "does NOT check against DRAM")})");
    }

    /// <summary>True when the line's integrity metadata does not check (and the cache does not hold a newer copy).</summary>
    public static bool Suspicious(InspectedLine line) =>
        line.Source == InspectedSource.IntegrityFailure || (!line.Dirty && (line.MacMatches == false || line.CounterMatchesRoot == false));

    public static string SourceText(InspectedLine line) => line.Source switch
    {
        InspectedSource.NotResident => "not in DRAM now (never touched, or swapped out)",
        InspectedSource.Plain => "plain memory: the process reads DRAM as it is",
        InspectedSource.Cache => line.Dirty ? "from the chip's data cache, written since its last write-back (DRAM holds an older version)" : "from the chip's data cache",
        InspectedSource.Decrypted => "decrypted from DRAM",
        InspectedSource.Fresh => "never written since the chip made the region: reads as zeros",
        _ => "fails authentication: the process would take an integrity fault here",
    };

    public static string Describe(ContextRefusal refusal) => refusal switch
    {
        ContextRefusal.Tampered => "it was modified",
        ContextRefusal.Stale => "it is an old version",
        ContextRefusal.ForeignAddressSpace => "it belongs to another address space",
        ContextRefusal.Unknown => "the chip does not know it",
        _ => refusal.ToString(),
    };

    public static string Rights(Isa.RegionPermissions p) =>
        $"{(p.HasFlag(Isa.RegionPermissions.Read) ? 'r' : '-')}{(p.HasFlag(Isa.RegionPermissions.Write) ? 'w' : '-')}{(p.HasFlag(Isa.RegionPermissions.Execute) ? 'x' : '-')}";

    public static string Size(ulong bytes) => bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    /// <summary>16 bytes as "00112233 44556677 8899aabb ccddeeff  ................" (or blanks past the end).</summary>
    public static string Row(byte[] bytes, int offset, InspectedSource source)
    {
        var s = new StringBuilder(54);
        for (int i = 0; i < 16; i++)
        {
            if (i > 0 && i % 4 == 0) s.Append(' ');
            s.Append(offset + i < bytes.Length && source != InspectedSource.IntegrityFailure ? bytes[offset + i].ToString("x2", CultureInfo.InvariantCulture) : "--");
        }
        s.Append("  ");
        for (int i = 0; i < 16; i++)
            s.Append(offset + i < bytes.Length && source != InspectedSource.IntegrityFailure ? Printable(bytes[offset + i]) : ' ');
        return s.ToString();
    }

    public static char Printable(byte b) => b is >= 32 and < 127 ? (char)b : '.';
}
