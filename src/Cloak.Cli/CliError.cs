namespace Cloak.Cli;

/// <summary>A failure the CLI reports as one line and an exit code (no stack trace).</summary>
internal sealed class CliError(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
