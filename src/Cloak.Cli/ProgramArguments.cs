using System.Text;

namespace Cloak.Cli;

/// <summary>A program named on the <c>cloak run</c> command line, with the arguments it gets after argv[0].</summary>
internal sealed record ProgramRequest(string Path, IReadOnlyList<string> Arguments);

/// <summary>
/// Arguments of the programs of one <c>cloak run</c> (docs/cli.md, "Program arguments"):
/// <c>cloak run prog.elf -- a b</c> for one program, or <c>PROGRAM:ARG1,ARG2</c> for each of several.
/// In the second form a comma inside an argument is written <c>\,</c> and a backslash <c>\\</c>. A
/// word is split at a colon only when the word as given is not an existing file, and then at the
/// first colon whose left part is one, so file names with colons still work.
/// </summary>
internal static class ProgramArguments
{
    /// <summary>The programs of <paramref name="words"/>, with <paramref name="afterDash"/> (the words after <c>--</c>) for the only one.</summary>
    public static IReadOnlyList<ProgramRequest> Parse(IReadOnlyList<string> words, IReadOnlyList<string> afterDash, bool dashed)
    {
        var requests = words.Select(ParseOne).ToList();
        if (!dashed) return requests;
        if (requests.Count == 0)
            throw new CliError(ExitCodes.Usage, "no program before --: write cloak run PROGRAM -- ARG...");
        if (requests.Count != 1)
            throw new CliError(ExitCodes.Usage, "arguments after -- go to a single program; give each of several programs its own as PROGRAM:ARG1,ARG2");
        if (requests[0].Arguments.Count > 0)
            throw new CliError(ExitCodes.Usage, $"{requests[0].Path}: arguments given twice (after ':' and after --); use one of the two");
        return [requests[0] with { Arguments = afterDash }];
    }

    private static ProgramRequest ParseOne(string word)
    {
        if (File.Exists(word) || Directory.Exists(word)) return new ProgramRequest(word, []);
        for (int colon = word.IndexOf(':', StringComparison.Ordinal); colon >= 0; colon = word.IndexOf(':', colon + 1))
        {
            string path = word[..colon];
            if (File.Exists(path)) return new ProgramRequest(path, SplitArguments(word[(colon + 1)..], word));
        }
        // Nothing exists: name the file the user most likely meant (the part before the first colon).
        int first = word.IndexOf(':', StringComparison.Ordinal);
        return new ProgramRequest(first > 0 ? word[..first] : word, []);
    }

    /// <summary>"a,b\,c,,d" is [a, "b,c", "", d]; an empty list is no arguments.</summary>
    internal static IReadOnlyList<string> SplitArguments(string list, string word)
    {
        if (list.Length == 0) return [];
        var arguments = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < list.Length; i++)
        {
            char c = list[i];
            if (c == '\\')
            {
                if (i + 1 >= list.Length || list[i + 1] is not (',' or '\\'))
                    throw new CliError(ExitCodes.Usage, $"'{word}': a backslash in program arguments must be followed by ',' or '\\' (write \\, for a comma, \\\\ for a backslash)");
                current.Append(list[++i]);
            }
            else if (c == ',')
            {
                arguments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        arguments.Add(current.ToString());
        return arguments;
    }

    /// <summary>
    /// The command line semihosting's SYS_GET_CMDLINE returns to a bare-metal program: the program
    /// path and its arguments joined by spaces, as QEMU builds it from <c>-kernel</c> and <c>-append</c>.
    /// </summary>
    public static string BareMetalCommandLine(ProgramRequest program) => string.Join(' ', [program.Path, .. program.Arguments]);
}
