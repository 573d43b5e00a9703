using System.Diagnostics;
using System.Text;

namespace Cloak.Tests.Support;

/// <summary>What a finished subprocess left behind.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>stderr split into lines, without the empty line after the final newline.</summary>
    public IReadOnlyList<string> StderrLines =>
        Stderr.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').SkipLast(Stderr.EndsWith('\n') ? 1 : 0).ToArray();

    public string Describe() => $"`{CommandLine}` exited {ExitCode}; stderr:\n{Stderr}";
}

/// <summary>Runs a subprocess with a timeout, capturing stdout (as bytes), stderr and the exit code.</summary>
internal static class ExternalProcess
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repository.Root,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);   // null: unset it
            else start.Environment[name] = value;
        }
        string commandLine = string.Join(' ', [fileName, .. start.ArgumentList]);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {commandLine}");
        process.StandardInput.Close(); // as </dev/null: nothing to read
        using var stdout = new MemoryStream();
        var copyStdout = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readStderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            Assert.Fail($"`{commandLine}` did not finish within {timeout.TotalSeconds} s and was killed");
        }
        await copyStdout.ConfigureAwait(false);
        string stderr = await readStderr.ConfigureAwait(false);
        return new ProcessResult(commandLine, process.ExitCode, stdout.ToArray(), stderr);
    }

    /// <summary>The full path of <paramref name="program"/> found on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
