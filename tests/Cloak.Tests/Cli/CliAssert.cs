using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>Checks shared by the CLI tests: exit codes and the one-line error contract.</summary>
internal static class CliAssert
{
    /// <summary>The usage hint System.CommandLine errors end with; not an error line of its own.</summary>
    public const string UsageHint = "Try 'cloak --help'";

    public static void ExitCode(int expected, ProcessResult result) =>
        Assert.True(result.ExitCode == expected, $"expected exit code {expected}: {result.Describe()}");

    /// <summary>
    /// stderr holds exactly one error line (besides the usage hint), "cloak: ..." containing every
    /// fragment, and nothing that looks like a .NET exception or stack trace.
    /// </summary>
    public static string OneErrorLine(ProcessResult result, params string[] fragments)
    {
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        var lines = result.StderrLines.Where(l => !l.StartsWith(UsageHint, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"expected one error line: {result.Describe()}");
        string line = lines[0];
        Assert.StartsWith("cloak: ", line, StringComparison.Ordinal);
        foreach (string fragment in fragments)
            Assert.True(line.Contains(fragment, StringComparison.OrdinalIgnoreCase), $"the error line does not mention '{fragment}': {line}");
        return line;
    }
}
