namespace Cloak.Tests.Support;

/// <summary>
/// Runs the built command-line front end (<c>Cloak.Cli.dll</c>, copied next to the test assembly by the
/// project reference) as a subprocess: <c>dotnet Cloak.Cli.dll ARGS</c>.
/// </summary>
internal static class CliRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static string CliDll
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Cloak.Cli.dll");
            if (!File.Exists(path)) Assert.Fail($"{path} is missing: the test project must reference src/Cloak.Cli");
            return path;
        }
    }

    /// <summary>The dotnet host running the tests (DOTNET_HOST_PATH when the SDK sets it).</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(DefaultTimeout, arguments);

    public static Task<ProcessResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        ExternalProcess.RunAsync(DotnetHost, [CliDll, .. arguments], timeout);

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> (a user's own folder), with environment changes (null removes a variable).</summary>
    public static Task<ProcessResult> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ExternalProcess.RunAsync(DotnetHost, [CliDll, .. arguments], DefaultTimeout, workingDirectory, environment);

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/>.</summary>
    public static Task<ProcessResult> RunInAsync(string workingDirectory, params string[] arguments) =>
        RunInAsync(workingDirectory, null, arguments);

    /// <summary>The dotnet host running the tests, for scripts that start the CLI themselves.</summary>
    public static string Host => DotnetHost;
    /// <summary>Runs the CLI with extra environment variables (XDG_CACHE_HOME, say).</summary>
    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] arguments) =>
        ExternalProcess.RunAsync(DotnetHost, [CliDll, .. arguments], timeout, environment: environment);

    /// <summary>The dotnet host (for tests that run dotnet build, pack or run themselves).</summary>
    public static string Dotnet => DotnetHost;
}
