using Cloak.Demo;

namespace Cloak.Tests.Sharing;

/// <summary>One configuration of the matrix: a sharing method and, for M4/M5, signed pairwise exchanges, or (M3-M5) attested ones.</summary>
public readonly record struct Configuration(ShareMethod Method, bool Signed, bool Attested = false)
{
    public string Name => Signed ? $"{Method} signed" : Attested ? $"{Method} attested" : Method.ToString();

    public static IReadOnlyList<Configuration> All { get; } =
    [
        new(ShareMethod.M1, false), new(ShareMethod.M2, false), new(ShareMethod.M3, false), new(ShareMethod.M4, false),
        new(ShareMethod.M5, false), new(ShareMethod.M4, true), new(ShareMethod.M5, true),
        new(ShareMethod.M3, false, true), new(ShareMethod.M4, false, true), new(ShareMethod.M5, false, true),
    ];

    /// <summary>The configurations of the attested-exchange table (M5's exchanges are M4's).</summary>
    public static IReadOnlyList<Configuration> AttestedOnly { get; } = [new(ShareMethod.M3, false, true), new(ShareMethod.M4, false, true)];
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
        | M3 attested | shared / shared | shared / shared | detected / detected | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M4 attested | shared / shared | shared / shared | detected / detected | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        | M5 attested | shared / shared | shared / shared | detected / detected | shared / shared | succeeded / detected | succeeded / detected | detected / detected |
        """;

    /// <summary>The attacks only an attested exchange meets (docs/attacks.md, docs/attestation.md); same notation.</summary>
    public const string AttestedMarkdown = """
        | method      | Impostor            | Debuggable          | ReportReplay        |
        |-------------|---------------------|---------------------|---------------------|
        | M3 attested | detected / detected | detected / detected | detected / detected |
        | M4 attested | detected / detected | detected / detected | detected / detected |
        """;

    public static IReadOnlyList<Attack> Attacks { get; } = [Attack.None, Attack.Snoop, Attack.Mitm, Attack.Remap, Attack.Tamper, Attack.Replay, Attack.Context];

    public static IReadOnlyList<Attack> AttestedAttacks { get; } = [Attack.Impostor, Attack.Debuggable, Attack.ReportReplay];

    /// <summary>The expected verdict of one cell, read from <see cref="Markdown"/> (or <see cref="AttestedMarkdown"/>).</summary>
    public static Verdict Expected(Configuration configuration, Attack attack, bool authenticated)
    {
        var rows = AttestedAttacks.Contains(attack) ? RowsOf(AttestedMarkdown) : Rows;
        string[] header = Cells(rows[0]);
        string[] row = rows.Skip(2).Select(Cells).Single(r => r[0] == configuration.Name);
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

    /// <summary>Every cell of the attested-exchange table.</summary>
    public static IEnumerable<(Configuration Configuration, Attack Attack, bool Authenticated, Verdict Expected)> AllAttested =>
        from c in Configuration.AttestedOnly
        from a in AttestedAttacks
        from auth in new[] { false, true }
        select (c, a, auth, Expected(c, a, auth));

    private static string[] Rows => RowsOf(Markdown);

    private static string[] RowsOf(string markdown) => markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Cells(string row) => [.. row.Trim('|').Split('|').Select(c => c.Trim())];
}
