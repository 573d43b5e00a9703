using System.Globalization;

namespace Cloak.Cli;

/// <summary>Parses the numbers users type: sizes ("128M", "64KiB", "0x1000") and addresses ("0x8000_0000").</summary>
internal static class Numbers
{
    public static ulong ParseAddress(string text, string option)
    {
        string t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new CliError(ExitCodes.Usage, $"{option}: '{text}' is not an address (decimal or 0x hex)");
    }

    public static ulong ParseSize(string text, string option)
    {
        string t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        ulong multiplier = 1;
        foreach (var (suffix, factor) in new[] { ("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30), ("K", 1UL << 10), ("M", 1UL << 20), ("G", 1UL << 30) })
        {
            if (!t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            multiplier = factor;
            t = t[..^suffix.Length];
            break;
        }
        ulong value = ParseAddress(t, option);
        if (value > ulong.MaxValue / multiplier) throw new CliError(ExitCodes.Usage, $"{option}: '{text}' is too large");
        return value * multiplier;
    }
}
