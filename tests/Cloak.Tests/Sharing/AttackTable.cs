using Cloak.Demo;

namespace Cloak.Tests.Sharing;

/// <summary>One configuration of the matrix: a sharing method and, for M4/M5, signed pairwise exchanges.</summary>
public readonly record struct Configuration(ShareMethod Method, bool Signed)
{
    public string Name => Signed ? $"{Method} signed" : Method.ToString();

    public static IReadOnlyList<Configuration> All { get; } =
    [
        new(ShareMethod.M1, false), new(ShareMethod.M2, false), new(ShareMethod.M3, false), new(ShareMethod.M4, false),
        new(ShareMethod.M5, false), new(ShareMethod.M4, true), new(ShareMethod.M5, true),
    ];
}

/// <summary>
/// The expected outcome of every sharing method under every attack, in both memory modes: the table
/// docs/attacks.md shows (a test keeps the two identical). Each cell is "confidentiality /
/// authenticated": shared = SharedCorrectly, detected = AttackDetected, succeeded = AttackSucceeded.
/// </summary>
internal static class AttackTable
{
    public const string Markdown = """
        | method    | None            | Snoop           | Mitm                  | Remap           | Tamper               | Replay               | Context             |
        |-----------|-----------------|-----------------|-----------------------|-----------------|----------------------|----------------------|---------------------|
        | M1        | shared / shared | shared / shared | shared / shared       | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M2        | shared / shared | shared / shared | succeeded / succeeded | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M3        | shared / shared | shared / shared | detected / detected   | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M4        | shared / shared | shared / shared | succeeded / succeeded | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M5        | shared / shared | shared / shared | succeeded / succeeded | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M4 signed | shared / shared | shared / shared | detected / detected   | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M5 signed | shared / shared | shared / shared | detected / detected   | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        """;

    public static IReadOnlyList<Attack> Attacks { get; } = Enum.GetValues<Attack>();

    /// <summary>The expected verdict of one cell, read from <see cref="Markdown"/>.</summary>
    public static Verdict Expected(Configuration configuration, Attack attack, bool authenticated)
    {
        string[] header = Cells(Rows[0]);
        string[] row = Rows.Skip(2).Select(Cells).Single(r => r[0] == configuration.Name);
        string cell = row[Array.IndexOf(header, attack.ToString())];
        string word = cell.Split(" / ")[authenticated ? 1 : 0];
        return word switch
        {
            "shared" => Verdict.SharedCorrectly,
            "detected" => Verdict.AttackDetected,
            "succeeded" => Verdict.AttackSucceeded,
            _ => throw new InvalidOperationException($"unknown outcome '{word}' in the attack table"),
        };
    }

    /// <summary>Every cell: configuration, attack, memory mode, expected verdict.</summary>
    public static IEnumerable<(Configuration Configuration, Attack Attack, bool Authenticated, Verdict Expected)> All =>
        from c in Configuration.All
        from a in Attacks
        from auth in new[] { false, true }
        select (c, a, auth, Expected(c, a, auth));

    private static string[] Rows => Markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Cells(string row) => [.. row.Trim('|').Split('|').Select(c => c.Trim())];
}
