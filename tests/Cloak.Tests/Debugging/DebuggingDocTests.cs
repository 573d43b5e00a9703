using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>
/// docs/debugging.md's transcripts are what gdb-multiarch and cloak print today: docs/gen/debugging.sh
/// --check runs the four sessions again and compares them with the doc (the sealed process's ciphertext,
/// new on every sealing, compared as a placeholder).
/// </summary>
public sealed class DebuggingDocTests
{
    [GdbFact]
    public async Task The_debugging_doc_shows_what_gdb_and_cloak_print_today()
    {
        var result = await ExternalProcess.RunAsync("env", [$"CLOAK=dotnet {CliRunner.CliDll}", "bash", Repository.PathOf("docs/gen/debugging.sh"), "--check"],
            TimeSpan.FromMinutes(10));   // four gdb sessions: seconds alone, minutes while the whole suite runs

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("docs/debugging.md matches", result.StdoutText, StringComparison.Ordinal);
    }
}
