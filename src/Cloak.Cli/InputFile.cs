namespace Cloak.Cli;

/// <summary>The checks every file Cloak reads gets first, so a wrong path is named for what it is.</summary>
internal static class InputFile
{
    /// <summary>Throws a one-line error (exit 66) when <paramref name="path"/> is missing or is a directory.</summary>
    public static void Require(string path, string? what = null)
    {
        string prefix = what is null ? path : $"{what} {path}";
        if (Directory.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{prefix}: is a directory, not a file");
        if (!File.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{prefix}: no such file");
    }
}
