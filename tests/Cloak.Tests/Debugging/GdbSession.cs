using System.Diagnostics;
using System.Text.RegularExpressions;
using Cloak.Tests.Support;

namespace Cloak.Tests.Debugging;

/// <summary>What one debugging session left: gdb's output, and cloak's exit code, stdout and stderr.</summary>
internal sealed record GdbOutcome(string Gdb, int CloakExitCode, string CloakStdout, string CloakStderr);

/// <summary>
/// Starts <c>cloak run --gdb 0 ...</c> (any free port), reads the port from its "waiting for gdb"
/// line, and runs gdb-multiarch in batch mode against it with the given commands.
/// </summary>
internal static partial class GdbSession
{
    public const string Gdb = "gdb-multiarch";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Starts <c>cloak run --gdb 0 ARGUMENTS</c> in <paramref name="workingDirectory"/> (stdin closed; stdout and stderr redirected), the stub on a free port it announces on stderr.</summary>
    internal static Process StartStub(string workingDirectory, IEnumerable<string> cloakArguments)
    {
        var start = new ProcessStartInfo(CliRunner.Host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in (string[])[CliRunner.CliDll, "run", "--gdb", "0", .. cloakArguments]) start.ArgumentList.Add(argument);
        var cloak = Process.Start(start) ?? throw new InvalidOperationException("cannot start cloak");
        cloak.StandardInput.Close();
        return cloak;
    }

    public static async Task<GdbOutcome> RunAsync(string workingDirectory, string symbolFile, IReadOnlyList<string> cloakArguments, params string[] commands)
    {
        Assert.True(ExternalProcess.FindOnPath(Gdb) is not null, $"{Gdb} is not on PATH: install it with ./setup --deps (apt-get install -y gdb-multiarch)");
        using var cloak = StartStub(workingDirectory, cloakArguments);
        var stdout = cloak.StandardOutput.ReadToEndAsync();
        var stderr = new List<string>();
        int port = 0;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            while (port == 0 && await cloak.StandardError.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                stderr.Add(line);
                if (WaitingLine().Match(line) is { Success: true } m) port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Assert.True(port > 0, $"cloak never said where it waits for gdb: {string.Join('\n', stderr)}");
        var restOfStderr = cloak.StandardError.ReadToEndAsync();
        string[] arguments =
        [
            "-batch", "-nx", "-ex", "set architecture riscv:rv64", "-ex", $"file {symbolFile}", "-ex", $"target remote 127.0.0.1:{port}",
            .. commands.SelectMany(c => new[] { "-ex", c }),
        ];
        var gdb = await ExternalProcess.RunAsync(Gdb, arguments, Timeout).ConfigureAwait(false);
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            try
            {
                await cloak.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cloak.Kill(entireProcessTree: true);
                Assert.Fail($"cloak did not end after gdb did; gdb said:\n{gdb.StdoutText}{gdb.Stderr}");
            }
        }
        return new GdbOutcome(gdb.StdoutText + gdb.Stderr, cloak.ExitCode, await stdout.ConfigureAwait(false),
            string.Join('\n', stderr) + "\n" + await restOfStderr.ConfigureAwait(false));
    }

    [GeneratedRegex(@"waiting for gdb on 127\.0\.0\.1:(\d+)")]
    private static partial Regex WaitingLine();
}
