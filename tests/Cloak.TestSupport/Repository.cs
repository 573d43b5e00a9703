namespace Cloak.TestSupport;

/// <summary>
/// Where the repository and the built guest programs are. Tests find the root by walking up from the
/// test assembly to <c>Cloak.slnx</c>, so they work from any working directory.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root (the directory that holds <c>Cloak.slnx</c>).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>guest/ (sources, Makefile).</summary>
    public static string GuestDirectory => Path.Combine(Root, "guest");

    /// <summary>guest/build/ (what <c>make -C guest</c> produces).</summary>
    public static string GuestBuildDirectory => Path.Combine(GuestDirectory, "build");

    /// <summary>A path below the repository root, written with forward slashes.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cloak.slnx"))) return directory.FullName;
        }
        throw new InvalidOperationException(
            $"cannot find the repository root: no Cloak.slnx in {AppContext.BaseDirectory} or any directory above it");
    }
}
