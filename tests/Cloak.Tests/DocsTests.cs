using System.Text.RegularExpressions;

namespace Cloak.Tests;

/// <summary>
/// The docs must match the program (STYLE.md), and the first thing to drift when code moves is a path.
/// These tests read README.md and docs/*.md and check that every repository path they mention
/// (src/..., tests/..., guest/..., bench/..., docs/..., examples/..., fuzz/...) exists, and that every file they cite by a
/// shorter name (`Memory/DataCache.cs`, `share.c`) and every test they cite as `File.cs::Test_name`
/// is really there. (guest/build/... paths are build outputs: the test project builds the guest
/// programs before it runs; fuzz/.out/... is what fuzz/run leaves and is not checked.)
/// </summary>
public partial class DocsTests
{
    private static IEnumerable<string> Documents() =>
        [Repository.PathOf("README.md"), .. Directory.GetFiles(Repository.PathOf("docs"), "*.md").Order(StringComparer.Ordinal)];

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');

    /// <summary>A path rooted at the repository: not preceded by a word character, '.', '/' or '-' (so "../shared/x" and "guest/tests/c" inside "a/guest/..." are not taken).</summary>
    [GeneratedRegex(@"(?<![\w./-])(?:src|tests|guest|bench|docs|examples|fuzz|chaos)/(?:[\w.*-]|/|\{[\w.,-]+\})*")]
    private static partial Regex RepositoryPath();

    /// <summary>`Some/Name.cs` or `Name.cs::Test_name` in backticks: a file named by its last components, and optionally a member of it.</summary>
    [GeneratedRegex(@"`((?:[\w.-]+/)*[\w.-]+\.(?:cs|c|h|S|ld))(?:::(\w+))?`")]
    private static partial Regex CitedFile();

    /// <summary>Expands one level of "{a,b}" alternatives (as a shell does).</summary>
    private static IEnumerable<string> ExpandBraces(string path)
    {
        int open = path.IndexOf('{', StringComparison.Ordinal);
        if (open < 0) return [path];
        int close = path.IndexOf('}', open);
        return path[(open + 1)..close].Split(',').SelectMany(choice => ExpandBraces(path[..open] + choice + path[(close + 1)..]));
    }

    private static bool Exists(string relative)
    {
        string full = Repository.PathOf(relative.TrimEnd('/'));
        if (!relative.Contains('*', StringComparison.Ordinal)) return File.Exists(full) || Directory.Exists(full);
        string directory = Path.GetDirectoryName(full)!;
        return Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory, Path.GetFileName(full)).Any();
    }

    [Fact]
    public void Every_source_path_the_docs_mention_exists()
    {
        var missing = new List<string>();
        int checkedPaths = 0;
        foreach (string document in Documents())
        {
            string[] lines = File.ReadAllLines(document);
            for (int i = 0; i < lines.Length; i++)
                foreach (Match match in RepositoryPath().Matches(lines[i]))
                    foreach (string path in ExpandBraces(match.Value.TrimEnd('.', ',')))
                    {
                        // What fuzz/run writes (findings, instrumented builds) exists only after a run.
                        if (path.StartsWith("fuzz/.out", StringComparison.Ordinal)) continue;
                        checkedPaths++;
                        if (!Exists(path) && !ExistsBeside(document, path)) missing.Add($"{Relative(document)}:{i + 1}: {path}");
                    }
        }

        Assert.True(checkedPaths > 100, $"only {checkedPaths} paths found: is the pattern still right?");
        Assert.True(missing.Count == 0, "paths the docs mention that do not exist:\n" + string.Join("\n", missing));
    }

    // A Markdown link's target is relative to the document that holds it (docs/stats.md links
    // examples/hello.stats.json, which is docs/examples/hello.stats.json).
    private static bool ExistsBeside(string document, string path) =>
        File.Exists(Path.Combine(Path.GetDirectoryName(document)!, path)) ||
        Directory.Exists(Path.Combine(Path.GetDirectoryName(document)!, path));

    [Fact]
    public void Every_file_and_test_the_docs_cite_by_name_exists()
    {
        var files = new[] { "src", "tests", "guest", "bench", "examples", "fuzz" }
            .SelectMany(top => Directory.EnumerateFiles(Repository.PathOf(top), "*", SearchOption.AllDirectories))
            .Select(Relative)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal) &&
                           !path.StartsWith("guest/build/", StringComparison.Ordinal) && !path.StartsWith("fuzz/.out/", StringComparison.Ordinal))
            .ToList();
        var missing = new List<string>();
        int cited = 0;
        foreach (string document in Documents())
        {
            string[] lines = File.ReadAllLines(document);
            for (int i = 0; i < lines.Length; i++)
                foreach (Match match in CitedFile().Matches(lines[i]))
                {
                    cited++;
                    string name = match.Groups[1].Value;
                    var candidates = files.Where(f => f == name || f.EndsWith("/" + name, StringComparison.Ordinal)).ToList();
                    string where = $"{Relative(document)}:{i + 1}: {match.Value}";
                    if (candidates.Count == 0)
                        missing.Add($"{where}: no such file");
                    else if (match.Groups[2].Success && !candidates.Any(f => File.ReadAllText(Repository.PathOf(f)).Contains(match.Groups[2].Value, StringComparison.Ordinal)))
                        missing.Add($"{where}: {match.Groups[2].Value} is not in {string.Join(", ", candidates)}");
                }
        }

        Assert.True(cited > 50, $"only {cited} cited files found: is the pattern still right?");
        Assert.True(missing.Count == 0, "files and tests the docs cite that do not exist:\n" + string.Join("\n", missing));
    }
}
