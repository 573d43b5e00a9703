using System.Globalization;
using System.Text.RegularExpressions;

namespace Cloak.Tests.Sharing;

/// <summary>
/// Just enough of a C reader for header-agreement tests: a file's numeric #defines, the members of its
/// enums (explicit and implied values), its string #defines, and the layout of its structs as the
/// RV64 ABI lays them out (natural alignment, no packing). Anything it cannot read is an exception
/// naming it, never a guess.
/// </summary>
internal sealed partial class CSource
{
    private readonly Dictionary<string, long> _defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly CSource[] _includes;

    public CSource(string text, params CSource[] includes)
    {
        Text = Comment().Replace(text, " ");
        _includes = includes;
        foreach (Match m in NumericDefine().Matches(Text)) _defines[m.Groups["name"].Value] = ParseNumber(m.Groups["value"].Value);
        foreach (Match m in Struct().Matches(Text)) _bodies[m.Groups["name"].Value] = m.Groups["body"].Value;
        Enums = ReadEnums(Text);
    }

    public static CSource Load(string path, params CSource[] includes) => new(File.ReadAllText(path), includes);

    /// <summary>The text without its comments.</summary>
    public string Text { get; }

    /// <summary>#define NAME number (decimal, hex, negative, with a u suffix).</summary>
    public IReadOnlyDictionary<string, long> Defines => _defines;

    /// <summary>Every enumerator of every enum, named or not, with its value.</summary>
    public IReadOnlyDictionary<string, long> Enums { get; }

    /// <summary>#define NAME "text".</summary>
    public string? StringDefine(string name)
    {
        var m = Regex.Match(Text, $@"^\s*#define\s+{Regex.Escape(name)}\s+""([^""]*)""", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>A #define or enumerator of this file or its includes.</summary>
    public long Constant(string name) =>
        _defines.TryGetValue(name, out long d) ? d
        : Enums.TryGetValue(name, out long e) ? e
        : _includes.Select(i => i.TryConstant(name)).FirstOrDefault(v => v is not null)
          ?? throw new KeyNotFoundException($"no constant {name} in the C source or its includes");

    private long? TryConstant(string name)
    {
        try
        {
            return Constant(name);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The layout of <c>struct name</c>: its size, alignment, and each field's offset and size.</summary>
    public StructLayout Layout(string name)
    {
        if (!_bodies.TryGetValue(name, out var body))
        {
            return _includes.Select(i => i._bodies.ContainsKey(name) ? i.Layout(name) : null).FirstOrDefault(l => l is not null)
                ?? throw new KeyNotFoundException($"no struct {name} in the C source or its includes");
        }
        var fields = new Dictionary<string, (long Offset, long Size)>(StringComparer.Ordinal);
        long offset = 0, alignment = 1;
        foreach (string declaration in body.Split(';').Select(d => d.Trim()).Where(d => d.Length > 0))
        {
            var m = Declaration().Match(declaration);
            if (!m.Success) throw new FormatException($"struct {name}: cannot read the field declaration '{declaration}'");
            string type = m.Groups["type"].Value;
            foreach (string declarator in m.Groups["names"].Value.Split(','))
            {
                var d = Declarator().Match(declarator.Trim());
                if (!d.Success) throw new FormatException($"struct {name}: cannot read the declarator '{declarator}'");
                var (size, align) = d.Groups["pointer"].Success ? (8L, 8L) : SizeOf(type);
                long count = d.Groups["count"].Success ? Count(d.Groups["count"].Value) : 1;
                offset = Align(offset, align);
                fields[d.Groups["name"].Value] = (offset, size * count);
                offset += size * count;
                alignment = Math.Max(alignment, align);
            }
        }
        return new StructLayout(Align(offset, alignment), alignment, fields);
    }

    private long Count(string text) => char.IsDigit(text[0]) ? ParseNumber(text) : Constant(text);

    private (long Size, long Alignment) SizeOf(string type)
    {
        if (type.StartsWith("struct ", StringComparison.Ordinal))
        {
            var nested = Layout(type["struct ".Length..].Trim());
            return (nested.Size, nested.Alignment);
        }
        long size = type switch
        {
            "char" or "uint8_t" or "int8_t" => 1,
            "uint16_t" or "int16_t" => 2,
            "uint32_t" or "int32_t" or "int" => 4,
            "uint64_t" or "int64_t" or "long" => 8,
            _ => throw new FormatException($"unknown C type '{type}'"),
        };
        return (size, size);
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static Dictionary<string, long> ReadEnums(string text)
    {
        var members = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in Enum().Matches(text))
        {
            long next = 0;
            foreach (string item in m.Groups["body"].Value.Split(',').Select(i => i.Trim()).Where(i => i.Length > 0))
            {
                string[] parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
                long value = parts.Length == 2 ? ParseNumber(parts[1]) : next;
                members[parts[0]] = value;
                next = value + 1;
            }
        }
        return members;
    }

    public static long ParseNumber(string text)
    {
        string t = text.Trim().TrimEnd('u', 'U', 'l', 'L');
        bool negative = t.StartsWith('-');
        if (negative) t = t[1..];
        long value = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(t, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\s*#define\s+(?<name>[A-Za-z_]\w*)\s+(?<value>-?(?:0x[0-9A-Fa-f]+|\d+)[uUlL]*)\s*$", RegexOptions.Multiline)]
    private static partial Regex NumericDefine();

    [GeneratedRegex(@"\bstruct\s+(?<name>\w+)\s*\{(?<body>[^{}]*)\}")]
    private static partial Regex Struct();

    [GeneratedRegex(@"\benum\s*\w*\s*\{(?<body>[^{}]*)\}")]
    private static partial Regex Enum();

    [GeneratedRegex(@"^(?:const\s+)?(?<type>struct\s+\w+|\w+)\s+(?<names>.+)$", RegexOptions.Singleline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^(?<pointer>\*\s*)?(?<name>\w+)\s*(?:\[\s*(?<count>\w+)\s*\])?$")]
    private static partial Regex Declarator();
}

/// <summary>A C struct's size, alignment and fields (offset and size in bytes, by name).</summary>
internal sealed record StructLayout(long Size, long Alignment, IReadOnlyDictionary<string, (long Offset, long Size)> Fields)
{
    public long OffsetOf(string field) => Fields.TryGetValue(field, out var f) ? f.Offset : throw new KeyNotFoundException($"no field {field}");

    public long SizeOf(string field) => Fields.TryGetValue(field, out var f) ? f.Size : throw new KeyNotFoundException($"no field {field}");
}
