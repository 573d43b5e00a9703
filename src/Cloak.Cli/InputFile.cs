namespace Cloak.Cli;

/// <summary>
/// The checks every file Cloak reads gets first, so a wrong path is named for what it is and nothing
/// unbounded is read: a device or a pipe (/dev/zero, /dev/urandom, a FIFO with no writer) is refused
/// before it is opened, and a file larger than its kind allows before it is read (docs/cli.md,
/// "Input limits").
/// </summary>
internal static class InputFile
{
    /// <summary>Programs and sealed images: at most 256 MiB (RAM is at most 2 GiB; no real guest program comes near).</summary>
    public const long MaxProgramBytes = 256L << 20;

    /// <summary>Keys and other small inputs (PEM files, provisioned values): at most 64 KiB.</summary>
    public const long MaxKeyBytes = 64 << 10;

    /// <summary>
    /// Throws a one-line error when <paramref name="path"/> is missing or a directory (exit 66), or is
    /// not a regular file, or is larger than <paramref name="maxBytes"/> (exit 65).
    /// </summary>
    public static void Require(string path, string? what = null, long maxBytes = MaxProgramBytes)
    {
        string prefix = what is null ? path : $"{what} {path}";
        if (Directory.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{prefix}: is a directory, not a file");
        if (!File.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{prefix}: no such file");
        var info = new FileInfo(path);
        // Devices and pipes report no length; reading one could block or never end.
        if ((info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == FileAttributes.Device || info.Length == 0)
            throw new CliError(ExitCodes.BadInput, $"{prefix}: empty, or not a regular file (a device or a pipe); Cloak reads its inputs from regular files");
        if (info.Length > maxBytes)
            throw new CliError(ExitCodes.BadInput, $"{prefix}: {info.Length:N0} bytes, more than the {maxBytes:N0} Cloak reads from such a file");
    }
}
