namespace Cloak.Sdk;

/// <summary>The cross toolchain guest programs are built with (Debian's riscv64-unknown-elf-gcc and picolibc).</summary>
public static class Toolchain
{
    /// <summary>Overrides the toolchain prefix, as <c>CLOAK_CROSS</c> does in guest/sdk.mk.</summary>
    public const string PrefixVariable = "CLOAK_CROSS";

    public const string DefaultPrefix = "riscv64-unknown-elf-";

    /// <summary>What to do when a tool is missing.</summary>
    public const string InstallHint =
        "install the RISC-V toolchain with: sudo apt-get install -y gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf make " +
        "(Cloak's ./setup does this)";

    /// <summary>The compiler: <c>$CLOAK_CROSS</c> (default riscv64-unknown-elf-) followed by gcc.</summary>
    public static string Compiler =>
        (Environment.GetEnvironmentVariable(PrefixVariable) is { Length: > 0 } prefix ? prefix : DefaultPrefix) + "gcc";

    /// <summary>The full path of <paramref name="program"/>: itself if it names a path, else found on PATH; null if absent.</summary>
    public static string? FindOnPath(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)) return File.Exists(program) ? Path.GetFullPath(program) : null;
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
