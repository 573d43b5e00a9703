using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Cloak.Cli;

/// <summary>
/// Error messages in plain words: System.CommandLine names .NET types when a value does not convert
/// ("as expected type 'System.Nullable`1[System.Int32]'"), and ArgumentException appends
/// "(Parameter 'Name')"; a user needs neither.
/// </summary>
internal static partial class ErrorText
{
    private static readonly Dictionary<string, (BigInteger Min, BigInteger Max)> IntegerRanges = new(StringComparer.Ordinal)
    {
        ["Byte"] = (byte.MinValue, byte.MaxValue),
        ["Int16"] = (short.MinValue, short.MaxValue),
        ["UInt16"] = (ushort.MinValue, ushort.MaxValue),
        ["Int32"] = (int.MinValue, int.MaxValue),
        ["UInt32"] = (uint.MinValue, uint.MaxValue),
        ["Int64"] = (long.MinValue, long.MaxValue),
        ["UInt64"] = (ulong.MinValue, ulong.MaxValue),
    };

    /// <summary>One line for a parse error.</summary>
    public static string Describe(ParseError error)
    {
        var conversion = ConversionError().Match(error.Message);
        if (conversion.Success)
        {
            string token = conversion.Groups["token"].Value, name = conversion.Groups["name"].Value;
            string type = TypeName().Match(conversion.Groups["type"].Value) is { Success: true } t ? t.Groups["simple"].Value : "";
            return $"{name}: {Expected(token, type)}";
        }
        // One line, but whole: "Must be one of:" is followed by the choices on the next lines.
        return string.Join(' ', error.Message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }

    private static string Expected(string token, string type)
    {
        if (IntegerRanges.TryGetValue(type, out var range))
        {
            return BigInteger.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && (value < range.Min || value > range.Max)
                ? $"{token} is out of range (from {range.Min} to {range.Max})"
                : $"'{token}' is not a whole number";
        }
        return type switch
        {
            "Double" or "Single" or "Decimal" => $"'{token}' is not a number",
            "Boolean" => $"'{token}' is not true or false",
            _ => $"'{token}' is not a valid value",
        };
    }

    /// <summary>An exception's message without "(Parameter 'Name')" and anything after its first line.</summary>
    public static string Clean(string message) => ParameterSuffix().Replace(message.Split('\n')[0], "").Trim();

    [GeneratedRegex(@"^Cannot parse argument '(?<token>.*)' for (?:option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex ConversionError();

    /// <summary>The innermost simple type name: "System.Nullable`1[System.Int32]" gives Int32.</summary>
    [GeneratedRegex(@"(?:^|[.\[])(?<simple>\w+)\]*$")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
