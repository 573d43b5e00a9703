namespace Cloak.TestSupport;

/// <summary>
/// The built guest programs under guest/build (tests/Directory.Build.targets runs make for the test
/// projects that need them). A missing binary fails the calling test with the command that builds it
/// (STYLE.md: "A missing guest binary fails loudly"), never a skip.
/// </summary>
public static class GuestBuild
{
    /// <summary>guest/build/&lt;relative&gt;; fails the calling test, saying how to build it, when it does not exist.</summary>
    public static string Elf(string relative)
    {
        string path = Path.Combine(Repository.GuestBuildDirectory, relative.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path))
            Xunit.Assert.Fail($"guest program {path} is missing: run make -C guest -j2 (the test project's build normally does)");
        return path;
    }
}
