using System.Text.RegularExpressions;

namespace Cloak.Tests.Sdk;

/// <summary>
/// The executable parts of docs/sdk.md: fenced blocks announced by an HTML comment on the line before.
/// <c>&lt;!-- sdk-write: FILE --&gt;</c> is a file the reader saves; <c>&lt;!-- sdk-transcript --&gt;</c>
/// is a console session (<c>$ command</c> lines, each followed by its output);
/// <c>&lt;!-- sdk-compile: user|bare-metal --&gt;</c> is C code that must compile.
/// </summary>
internal sealed partial record SdkDocument(string Path, IReadOnlyList<string> Lines, IReadOnlyList<SdkDocument.Block> Blocks)
{
    /// <summary>A marked block: its kind, argument and the line range of its content (exclusive of the fences).</summary>
    public sealed record Block(string Kind, string Argument, int FirstLine, int EndLine, IReadOnlyList<string> Content)
    {
        public string Text => string.Join('\n', Content) + "\n";
    }

    /// <summary>One command of a transcript and the output the document shows for it.</summary>
    public sealed record Step(string Command, IReadOnlyList<string> Output);

    [GeneratedRegex(@"^<!-- sdk-(?<kind>write|transcript|compile)(?::\s*(?<argument>\S+))? -->$")]
    private static partial Regex Marker();

    public static SdkDocument Load(string path)
    {
        string[] lines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            var marker = Marker().Match(lines[i]);
            if (!marker.Success) continue;
            if (i + 1 >= lines.Length || !lines[i + 1].StartsWith("```", StringComparison.Ordinal))
                throw new InvalidDataException($"{path}:{i + 1}: a marker must be followed by a fenced block");
            int end = Array.FindIndex(lines, i + 2, l => l == "```");
            if (end < 0) throw new InvalidDataException($"{path}:{i + 2}: the fenced block never closes");
            blocks.Add(new Block(marker.Groups["kind"].Value, marker.Groups["argument"].Value, i + 2, end, lines[(i + 2)..end]));
            i = end;
        }
        return new SdkDocument(path, lines, blocks);
    }

    /// <summary>The commands of a transcript block, each with the lines shown under it.</summary>
    public static IReadOnlyList<Step> Steps(Block transcript)
    {
        var steps = new List<Step>();
        foreach (string line in transcript.Content)
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal)) steps.Add(new Step(line[2..], []));
            else if (steps.Count == 0) throw new InvalidDataException($"a transcript starts with output, not a command: '{line}'");
            else steps[^1] = steps[^1] with { Output = [.. steps[^1].Output, line] };
        }
        return steps;
    }

    /// <summary>The document with each transcript's shown output replaced by <paramref name="actual"/> (keyed by block).</summary>
    public string Rewrite(IReadOnlyDictionary<Block, IReadOnlyList<Step>> actual)
    {
        var lines = Lines.ToList();
        foreach (var block in Blocks.Where(actual.ContainsKey).OrderByDescending(b => b.FirstLine))
        {
            var replacement = actual[block].SelectMany(s => new[] { "$ " + s.Command }.Concat(s.Output)).ToList();
            lines.RemoveRange(block.FirstLine, block.EndLine - block.FirstLine);
            lines.InsertRange(block.FirstLine, replacement);
        }
        return string.Join('\n', lines);
    }
}
