using System.CommandLine;
using System.CommandLine.Parsing;

namespace Cloak.Cli;

/// <summary>
/// Words after <c>--</c> on a command line: System.CommandLine hands them to the command's
/// many-valued argument together with the words before it, so they are told apart here by the
/// position of the <c>--</c> token.
/// </summary>
internal static class DoubleDash
{
    /// <summary>The argument's words before <c>--</c>, the words after it, and whether there was a <c>--</c>.</summary>
    public static (IReadOnlyList<string> Before, IReadOnlyList<string> After, bool Present) Split(ParseResult parse, Argument<string[]> argument)
    {
        var tokens = parse.GetResult(argument)?.Tokens ?? [];
        int dash = -1;
        for (int i = 0; i < parse.Tokens.Count; i++)
            if (parse.Tokens[i].Type == TokenType.DoubleDash) { dash = i; break; }
        if (dash < 0) return ([.. tokens.Select(t => t.Value)], [], false);
        var after = new HashSet<Token>(parse.Tokens.Skip(dash + 1), ReferenceEqualityComparer.Instance);
        return ([.. tokens.Where(t => !after.Contains(t)).Select(t => t.Value)],
                [.. tokens.Where(after.Contains).Select(t => t.Value)], true);
    }

    /// <summary>Throws the usage error for a word before <c>--</c> that looks like an unknown option.</summary>
    public static void RejectOptions(IEnumerable<string> words, string hint)
    {
        foreach (string word in words)
            if (word.StartsWith('-') && word != "-")
                throw new CliError(ExitCodes.Usage, $"unrecognized option '{word}'{hint}");
    }
}
