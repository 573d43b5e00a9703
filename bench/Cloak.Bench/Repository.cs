namespace Cloak.Bench;

internal static class Repository
{
    /// <summary>The repository root: the nearest directory above the working directory holding Cloak.slnx.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cloak.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the Cloak repository");
    }
}
