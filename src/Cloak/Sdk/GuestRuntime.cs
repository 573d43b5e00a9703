using System.Diagnostics;

namespace Cloak.Sdk;

/// <summary>Why building a guest program could not go on.</summary>
public enum GuestBuildFailure
{
    /// <summary>No guest directory (headers, runtime sources, linker scripts) was found.</summary>
    RuntimeNotFound,
    /// <summary>A tool is missing: the RISC-V compiler, picolibc or make.</summary>
    ToolMissing,
    /// <summary>make could not build libcloak and crt0.</summary>
    RuntimeBuildFailed,
}

/// <summary>A guest build that could not go on, with a message that says what to do.</summary>
public sealed class GuestBuildException : Exception
{
    public GuestBuildException(GuestBuildFailure failure, string message) : base(message) => Failure = failure;
    public GuestBuildException(string message, Exception inner) : base(message, inner) { }
    public GuestBuildException(string message) : base(message) { }
    public GuestBuildException() : base("the guest build failed") { }

    public GuestBuildFailure Failure { get; }
}

/// <summary>
/// The guest runtime that user programs are built against: the headers (<c>guest/include</c>),
/// libcloak and its start-up object (built into <c>guest/build/lib</c>), and the two linker scripts.
/// It is found from the Cloak that is running, never from the current directory, so a user's own
/// project can live anywhere: <c>$CLOAK_GUEST_DIR</c> if set, else the first <c>guest/</c> directory
/// beside or above the Cloak assemblies (a checkout's <c>src/Cloak.Cli/bin/...</c> lies below its
/// <c>guest/</c>).
/// </summary>
public sealed class GuestRuntime
{
    /// <summary>The environment variable that names the guest directory explicitly.</summary>
    public const string DirectoryVariable = "CLOAK_GUEST_DIR";

    /// <summary>How long to wait for another build of the runtime (another cloak cc, or make) to finish.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);

    private GuestRuntime(string directory) => Directory = directory;

    /// <summary>The guest directory (holds <c>include/</c>, <c>lib/</c>, <c>Makefile</c>, <c>sdk.mk</c>).</summary>
    public string Directory { get; }

    public string IncludeDirectory => Path.Combine(Directory, "include");
    public string BuildDirectory => Path.Combine(Directory, "build");
    public string Libcloak => Path.Combine(BuildDirectory, "lib", "libcloak.a");
    public string Crt0 => Path.Combine(BuildDirectory, "lib", "crt0.o");
    /// <summary>Links a user process at 0x1_0000 (guest/lib/user.ld).</summary>
    public string UserLinkerScript => Path.Combine(Directory, "lib", "user.ld");
    /// <summary>Links a bare-metal program at 0x8000_0000 (guest/cloak.ld).</summary>
    public string BareMetalLinkerScript => Path.Combine(Directory, "cloak.ld");
    /// <summary>Where <c>make -C guest share</c> puts the sharing examples that <c>cloak demo</c> runs.</summary>
    public string ShareProgramDirectory => Path.Combine(BuildDirectory, "share");

    /// <summary>Finds the guest directory; throws <see cref="GuestBuildException"/> saying how to point Cloak at one.</summary>
    public static GuestRuntime Locate()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } named)
        {
            string full = Path.GetFullPath(named);
            if (!IsGuestDirectory(full))
                throw new GuestBuildException(GuestBuildFailure.RuntimeNotFound,
                    $"{DirectoryVariable}={named} is not a Cloak guest directory (it has no include/cloak/cloak.h and lib/user.ld)");
            return new GuestRuntime(full);
        }
        return TryFind() is { } found
            ? new GuestRuntime(found)
            : throw new GuestBuildException(GuestBuildFailure.RuntimeNotFound,
                $"cannot find Cloak's guest runtime (guest/include, guest/lib) beside or above {AppContext.BaseDirectory}: " +
                $"set {DirectoryVariable} to the guest directory of a Cloak checkout");
    }

    /// <summary>The guest directory beside or above the running assemblies, or null.</summary>
    public static string? TryFind()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "guest");
            if (IsGuestDirectory(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsGuestDirectory(string path) =>
        File.Exists(Path.Combine(path, "include", "cloak", "cloak.h")) && File.Exists(Path.Combine(path, "lib", "user.ld"));

    /// <summary>True when libcloak.a and crt0.o exist and are newer than every file they are built from.</summary>
    public bool RuntimeIsCurrent()
    {
        string[] buildFiles = [.. new[] { "Makefile", "flags.mk", "sdk.mk" }.Select(f => Path.Combine(Directory, f))];
        string lib = Path.Combine(Directory, "lib");
        var headers = System.IO.Directory.EnumerateFiles(Path.Combine(IncludeDirectory, "cloak"), "*.h");
        var librarySources = System.IO.Directory.EnumerateFiles(lib, "*.c").Concat(System.IO.Directory.EnumerateFiles(lib, "*.h"));
        return IsNewerThan(Libcloak, [.. buildFiles, .. headers, .. librarySources]) &&
               IsNewerThan(Crt0, [.. buildFiles, Path.Combine(lib, "crt0.S")]);
    }

    private static bool IsNewerThan(string target, IEnumerable<string> sources)
    {
        if (!File.Exists(target)) return false;
        var built = File.GetLastWriteTimeUtc(target);
        return sources.Where(File.Exists).All(s => File.GetLastWriteTimeUtc(s) <= built);
    }

    /// <summary>
    /// Builds libcloak.a and crt0.o with <c>make -C guest lib</c> unless they are current. Holds the
    /// lock file the test build's make also takes (guest/build/.make.lock), so concurrent builds take
    /// turns instead of racing on the same objects. <paramref name="log"/> hears what is going on.
    /// </summary>
    public void EnsureBuilt(Action<string>? log = null)
    {
        if (RuntimeIsCurrent()) return;
        try
        {
            System.IO.Directory.CreateDirectory(BuildDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GuestBuildException(GuestBuildFailure.RuntimeBuildFailed, $"cannot build libcloak: cannot create {BuildDirectory}: {e.Message}");
        }
        using var held = AcquireLock(Path.Combine(BuildDirectory, ".make.lock"));
        if (RuntimeIsCurrent()) return;
        string make = Toolchain.FindOnPath("make")
            ?? throw new GuestBuildException(GuestBuildFailure.ToolMissing, $"make not found, needed once to build libcloak in {Directory}: {Toolchain.InstallHint}");
        log?.Invoke($"building libcloak (make -C {Directory} lib)");
        var start = new ProcessStartInfo(make) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-C", Directory, "--no-print-directory", "-s", "lib" }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new GuestBuildException(GuestBuildFailure.ToolMissing, "cannot start make");
        var output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        if (process.ExitCode != 0)
        {
            string first = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            throw new GuestBuildException(GuestBuildFailure.RuntimeBuildFailed,
                $"building libcloak failed (make -C {Directory} lib exited {process.ExitCode}){(first.Length > 0 ? ": " + first : "")}");
        }
    }

    /// <summary>An exclusive lock on <paramref name="path"/> (flock on Unix, as flock(1) takes it), waiting for the holder.</summary>
    private static FileStream AcquireLock(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < LockTimeout)
            {
                Thread.Sleep(100);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GuestBuildException(GuestBuildFailure.RuntimeBuildFailed, $"cannot lock {path} to build libcloak: {e.Message}");
            }
        }
    }
}
