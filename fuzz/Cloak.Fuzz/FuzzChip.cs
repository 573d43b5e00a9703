using Cloak.Chip.Security;

namespace Cloak.Fuzz;

/// <summary>
/// The chip the fuzz targets run sealed programs on. Its key is committed (fuzz/chip/fuzz-chip.key)
/// so that the sealed images in the corpus were sealed for it and get past trp.enter's chip check;
/// it protects nothing.
/// </summary>
public static class FuzzChip
{
    private static readonly Lazy<ChipIdentity> LazyIdentity = new(() => ChipIdentity.Load(Repository.File("fuzz/chip/fuzz-chip.key")));

    public static ChipIdentity Identity => LazyIdentity.Value;
}

/// <summary>Files of the repository the harness runs from (found by walking up to Cloak.slnx, or $CLOAK_REPO).</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string File(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("CLOAK_REPO") is { Length: > 0 } given) return given;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Cloak.slnx"))) return directory.FullName;
        throw new InvalidOperationException($"cannot find the repository root: no Cloak.slnx in {AppContext.BaseDirectory} or above (set CLOAK_REPO)");
    }
}
