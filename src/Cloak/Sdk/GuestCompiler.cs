using System.ComponentModel;
using System.Diagnostics;

namespace Cloak.Sdk;

/// <summary>What kind of program a guest build makes.</summary>
public enum GuestProgramKind
{
    /// <summary>A process for the OS model, linked with libcloak at 0x1_0000 (guest/lib/user.ld); it can be sealed.</summary>
    User,
    /// <summary>An M-mode program at 0x8000_0000 (guest/cloak.ld), console and exit over semihosting.</summary>
    BareMetal,
}

/// <summary>One invocation of the guest compiler: C and assembly sources (and objects) to one program or to objects.</summary>
public sealed record GuestBuild
{
    /// <summary>.c, .S or .s sources, .o objects, .a archives.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>The program (or, with <see cref="CompileOnly"/>, the object); null for the default.</summary>
    public string? Output { get; init; }
    public GuestProgramKind Kind { get; init; } = GuestProgramKind.User;
    /// <summary>Compile to objects only (gcc -c), no link.</summary>
    public bool CompileOnly { get; init; }
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];
    /// <summary>NAME or NAME=VALUE, as for gcc -D.</summary>
    public IReadOnlyList<string> Defines { get; init; } = [];
    /// <summary>gcc's -O level: 0, 1, 2, 3, s, g, z or fast.</summary>
    public string Optimization { get; init; } = "2";
    public bool Debug { get; init; }
    /// <summary>Passed to gcc as they are, after Cloak's own flags (e.g. -Wall).</summary>
    public IReadOnlyList<string> ExtraFlags { get; init; } = [];

    /// <summary>The program a link writes by default: the first input's name with .elf, in the current directory.</summary>
    public string DefaultOutput => Path.GetFileNameWithoutExtension(Inputs[0]) + ".elf";
}

/// <summary>
/// Builds guest programs with the flags in guest/sdk.mk (the same ones guest/Makefile uses), so a
/// user never copies a link line: the rv64imac/lp64 multilib, picolibc, and for user programs crt0,
/// all of libcloak and the user-process linker script.
/// </summary>
public static class GuestCompiler
{
    /// <summary>Picks the rv64imac/lp64 multilib of Debian's GCC 12 and picolibc (guest/README.md, "Flags, and why").</summary>
    public static readonly IReadOnlyList<string> ArchitectureFlags = ["-march=rv64imac", "-misa-spec=2.2", "-mabi=lp64", "-mcmodel=medany"];

    /// <summary>The optimisation levels gcc accepts after -O.</summary>
    public static readonly IReadOnlyList<string> OptimizationLevels = ["0", "1", "2", "3", "s", "g", "z", "fast"];

    public static readonly IReadOnlyList<string> SourceExtensions = [".c", ".S", ".s", ".o", ".a"];

    /// <summary>The compiler's arguments for <paramref name="build"/> against <paramref name="runtime"/>.</summary>
    public static IReadOnlyList<string> Arguments(GuestBuild build, GuestRuntime runtime)
    {
        var args = new List<string>(ArchitectureFlags) { "-O" + build.Optimization };
        if (build.Debug) args.Add("-g");
        args.Add("--specs=picolibc.specs");
        args.AddRange(build.IncludeDirectories.Select(d => "-I" + d));
        args.Add("-I" + runtime.IncludeDirectory);
        args.AddRange(build.Defines.Select(d => "-D" + d));
        args.AddRange(build.ExtraFlags);
        if (build.CompileOnly)
        {
            args.Add("-c");
            args.AddRange(build.Inputs);
        }
        else if (build.Kind == GuestProgramKind.BareMetal)
        {
            args.AddRange(["--oslib=semihost", "-T" + runtime.BareMetalLinkerScript]);
            args.AddRange(build.Inputs);
        }
        else
        {
            // crt0 first; all of libcloak, ahead of picolibc: libcloak's sbrk and _exit must win over libc's (guest/Makefile).
            args.AddRange(["-nostartfiles", "-T" + runtime.UserLinkerScript, runtime.Crt0]);
            args.AddRange(build.Inputs);
            args.AddRange(["-Wl,--whole-archive", runtime.Libcloak, "-Wl,--no-whole-archive"]);
        }
        string? output = build.Output ?? (build.CompileOnly ? null : build.DefaultOutput);
        if (output is not null) args.AddRange(["-o", output]);
        return args;
    }

    /// <summary>
    /// Runs the compiler with the console inherited, so its diagnostics reach the user as they are.
    /// Returns its exit status; throws <see cref="GuestBuildException"/> when it or picolibc is missing.
    /// </summary>
    public static int Run(string compiler, IReadOnlyList<string> arguments)
    {
        string path = Toolchain.FindOnPath(compiler)
            ?? throw new GuestBuildException(GuestBuildFailure.ToolMissing, $"{compiler} not found: {Toolchain.InstallHint}");
        int status = Execute(path, arguments, quiet: false, out _);
        if (status != 0 && !HasPicolibc(path))
            throw new GuestBuildException(GuestBuildFailure.ToolMissing, $"picolibc for {compiler} not found: {Toolchain.InstallHint}");
        return status;
    }

    /// <summary>True when the compiler finds picolibc.specs (gcc echoes the bare name when it does not).</summary>
    private static bool HasPicolibc(string compiler) =>
        Execute(compiler, ["-print-file-name=picolibc.specs"], quiet: true, out string output) == 0 && output.Trim() != "picolibc.specs";

    private static int Execute(string program, IReadOnlyList<string> arguments, bool quiet, out string output)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = quiet, RedirectStandardError = quiet };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start) ?? throw new GuestBuildException(GuestBuildFailure.ToolMissing, $"cannot start {program}");
            output = quiet ? process.StandardOutput.ReadToEnd() : "";
            if (quiet) process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception e)
        {
            throw new GuestBuildException(GuestBuildFailure.ToolMissing, $"cannot run {program}: {e.Message}");
        }
    }

    /// <summary>A command line as a shell would take it back (for -v and error messages).</summary>
    public static string Quote(string program, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { program }.Concat(arguments).Select(QuoteOne));

    private static string QuoteOne(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:+@%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
