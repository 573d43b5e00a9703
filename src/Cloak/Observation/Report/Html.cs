using System.Globalization;
using System.Net;
using System.Text;

namespace Cloak.Observation.Report;

/// <summary>Encoding and formatting for the report. Every string from a run goes through <see cref="E"/>.</summary>
internal static class Html
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>HTML-encodes text for element content and quoted attributes (also inside inline SVG).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Encodes text cut to <paramref name="max"/> characters (with an ellipsis).</summary>
    public static string Cut(string? text, int max)
    {
        string t = text ?? "";
        return E(t.Length <= max ? t : t[..Math.Max(1, max - 1)] + "\u2026");
    }

    public static string N(ulong value) => value.ToString("N0", C);
    public static string N(long value) => value.ToString("N0", C);
    public static string N(int value) => value.ToString("N0", C);
    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(C), C);
    public static string Px(double value) => value.ToString("0.#", C);
    public static string Hex(ulong value) => "0x" + value.ToString("x", C);

    /// <summary>Simulated time for people: "830 ns", "12.4 us", "3.25 ms", "1.20 s".</summary>
    public static string Time(ulong nanoseconds) => nanoseconds switch
    {
        < 1_000 => $"{nanoseconds} ns",
        < 1_000_000 => F(nanoseconds / 1e3) + " \u00b5s",
        < 1_000_000_000 => F(nanoseconds / 1e6, 2) + " ms",
        _ => F(nanoseconds / 1e9, 2) + " s",
    };

    public static string Bytes(ulong bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => F(bytes / 1024.0) + " KiB",
        _ => F(bytes / (1024.0 * 1024)) + " MiB",
    };

    public static StringBuilder Add(this StringBuilder s, string text) => s.Append(text);
}
