using System.Globalization;
using Cloak.Isa;

namespace Cloak.Observation;

/// <summary>
/// When the inspector looks (<c>--inspect-at</c>): the first time a guest announces a protocol step
/// (a note's topic such as "claim 8(e)", or one of its parts such as "8(e)"), or the end of the run
/// slice in which the given instruction (counted over the whole machine) retired.
/// </summary>
public sealed record InspectionPoint(string? Step, ulong? Instruction)
{
    public static InspectionPoint Parse(string text)
    {
        string t = text.Trim();
        if (t.Length == 0) throw new FormatException("an empty point: give a protocol step (\"claim 8(e)\") or an instruction count");
        string digits = t.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (digits.All(char.IsAsciiDigit))
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)
                ? new InspectionPoint(null, n)
                : throw new FormatException($"'{t}' is too large an instruction count");
        return new InspectionPoint(t, null);
    }

    /// <summary>True if a note with <paramref name="topic"/> is this step: the whole topic, the topic without "claim ", or one of its '/'-separated parts.</summary>
    public bool Matches(string topic)
    {
        if (Step is null) return false;
        if (topic.Equals(Step, StringComparison.OrdinalIgnoreCase)) return true;
        string bare = topic.StartsWith("claim ", StringComparison.OrdinalIgnoreCase) ? topic[6..] : topic;
        string wanted = Step.StartsWith("claim ", StringComparison.OrdinalIgnoreCase) ? Step[6..] : Step;
        return bare.Equals(wanted, StringComparison.OrdinalIgnoreCase) ||
               bare.Split('/').Any(part => part.Equals(wanted, StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() => Step is not null ? $"step \"{Step}\"" : string.Create(CultureInfo.InvariantCulture, $"instruction {Instruction:N0}");
}

/// <summary>
/// What the inspector looks at (<c>--inspect</c>): a process (by pid, or by name: every live process
/// of that name) and either an address range, a kind of protected region (every EAR entry of that
/// kind), or nothing (every EAR entry of the process). Syntax: <c>PROCESS[:ADDRESS|KIND][+LENGTH]</c>.
/// </summary>
public sealed record InspectionTarget(string Process, ulong? Address, RegionKind? Kind, ulong Length)
{
    /// <summary>Bytes shown of an address when no +LENGTH is given, and of each region otherwise.</summary>
    public const ulong DefaultAddressLength = 64, DefaultRegionLength = 128;

    public static InspectionTarget Parse(string text)
    {
        string t = text.Trim();
        ulong? length = null;
        int plus = t.LastIndexOf('+');
        if (plus > 0)
        {
            length = ParseNumber(t[(plus + 1)..], "length");
            if (length is 0 or > (ulong)Chip.ProtectedMemoryInspector.MaxLength)
                throw new FormatException($"the length must be 1-{Chip.ProtectedMemoryInspector.MaxLength} bytes");
            t = t[..plus];
        }
        int colon = t.LastIndexOf(':');
        string process = colon < 0 ? t : t[..colon];
        string? what = colon < 0 ? null : t[(colon + 1)..].Trim();
        if (process.Length == 0) throw new FormatException($"'{text}' names no process: write PROCESS[:ADDRESS|KIND][+LENGTH], e.g. owner:shared or 2:0x3ffff000+128");
        if (what is null or "") return new InspectionTarget(process, null, null, length ?? DefaultRegionLength);
        if (KindNames.TryGetValue(what, out var kind)) return new InspectionTarget(process, null, kind, length ?? DefaultRegionLength);
        if (!char.IsAsciiDigit(what[0]))
            throw new FormatException($"'{what}' is neither an address nor a region kind (private, hidden, shared, notification)");
        return new InspectionTarget(process, ParseNumber(what, "address"), null, length ?? DefaultAddressLength);
    }

    private static readonly Dictionary<string, RegionKind> KindNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["private"] = RegionKind.Private, ["hidden"] = RegionKind.Hidden, ["shared"] = RegionKind.Shared, ["notification"] = RegionKind.Notification,
    };

    private static ulong ParseNumber(string text, string what)
    {
        string t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new FormatException($"'{text}' is not a valid {what} (decimal, or hex with 0x)");
    }

    /// <summary>True if the process is the one named (its pid, or its name).</summary>
    public bool Names(int pid, string name) =>
        int.TryParse(Process, NumberStyles.None, CultureInfo.InvariantCulture, out int wanted) ? wanted == pid : name == Process;

    public override string ToString() =>
        Process + (Address is { } a ? $":0x{a:x}" : Kind is { } k ? $":{k.ToString().ToLowerInvariant()}" : "") + $"+{Length}";
}
