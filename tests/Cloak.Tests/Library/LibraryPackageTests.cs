using System.IO.Compression;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cloak.Tests.Support;

namespace Cloak.Tests.Library;

/// <summary>
/// Issue 10, item 6: Cloak as a library. <c>dotnet pack src/Cloak.Package</c> into a temporary folder,
/// then examples/experiment copied outside the repository and run with <c>dotnet run</c>, NuGet
/// taking Cloak.Simulator from that folder only (an empty global packages folder of its own, so no
/// stale copy can stand in) and everything else from the configured registry. The package is then
/// checked for what it carries: the version written once in Directory.Build.props, every assembly
/// with its XML docs, a README, Tomlyn as its only dependency, and no assembly that shows its
/// internals to anything but tests or the package's own assemblies.
/// </summary>
public sealed partial class LibraryPackageTests(LibraryPackageTests.PackedExperiment experiment) : IClassFixture<LibraryPackageTests.PackedExperiment>
{
    private static readonly string[] Assemblies =
        ["Cloak", "Cloak.Chip", "Cloak.Kernel", "Cloak.Isa", "Cloak.Platform", "Cloak.Sealing", "Cloak.Crypto", "Cloak.Elf", "Cloak.Attacks"];

    /// <summary>Packs once and runs the experiment once for every test in the class.</summary>
    public sealed class PackedExperiment : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public PackedExperiment()
        {
            Packages = Path.Combine(_directory.Path, "packages");
            GlobalPackages = Path.Combine(_directory.Path, "nuget-packages");
            // No MSBuild state of the test host leaks into the builds below.
            Environment = new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = GlobalPackages,
                ["MSBuildExtensionsPath"] = null, ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null, ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
            };
            // Pack what the tests were built from: same configuration, and, when the package project is
            // restored already (dotnet test at the root restores the whole solution), without building
            // again (packing with a build recompiles every project, minutes on a loaded 2-core machine).
            // The package test compares every packed assembly with the one loaded here.
            string configuration = typeof(PackedExperiment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            bool restored = File.Exists(Repository.PathOf("src/Cloak.Package/obj/project.assets.json"));
            Pack = ExternalProcess.RunAsync(CliRunner.Dotnet,
                ["pack", Repository.PathOf("src/Cloak.Package/Cloak.Package.csproj"), "-c", configuration, "-o", Packages, "--nologo", "-v", "quiet",
                 .. restored ? (string[])["--no-build", "-p:BuildProjectReferences=false"] : []],
                TimeSpan.FromMinutes(6), environment: Environment).GetAwaiter().GetResult();
            if (Pack.ExitCode != 0) return;

            Project = Path.Combine(_directory.Path, "experiment");
            Directory.CreateDirectory(Project);
            foreach (string file in Directory.GetFiles(Repository.PathOf("examples/experiment")).Where(f => Path.GetFileName(f) != "nuget.config"))
                File.Copy(file, Path.Combine(Project, Path.GetFileName(file)));
            // The example's own nuget.config, with its local source pointed at the temporary folder.
            string config = File.ReadAllText(Repository.PathOf("examples/experiment/nuget.config"));
            File.WriteAllText(Path.Combine(Project, "nuget.config"), config.Replace("../../artifacts/packages", Packages, StringComparison.Ordinal));
            Run = ExternalProcess.RunAsync(CliRunner.Dotnet,
                ["run", "--", GuestPrograms.Elf("share/share_owner.elf"), GuestPrograms.Elf("share/share_client.elf")],
                TimeSpan.FromMinutes(4), workingDirectory: Project, environment: Environment).GetAwaiter().GetResult();
        }

        public IReadOnlyDictionary<string, string?> Environment { get; }
        public string Packages { get; }
        public string GlobalPackages { get; }
        public string? Project { get; }
        internal ProcessResult Pack { get; }
        internal ProcessResult? Run { get; }

        public void Dispose() => _directory.Dispose();
    }

    private static string RepositoryVersion =>
        VersionElement().Match(File.ReadAllText(Repository.PathOf("Directory.Build.props"))) is { Success: true } m
            ? m.Groups[1].Value : throw new InvalidOperationException("no <Version> in Directory.Build.props");

    [GeneratedRegex(@"<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    private string PackagePath
    {
        get
        {
            Assert.True(experiment.Pack.ExitCode == 0, experiment.Pack.Describe() + experiment.Pack.StdoutText);
            return Path.Combine(experiment.Packages, $"Cloak.Simulator.{RepositoryVersion}.nupkg");
        }
    }

    [Fact]
    public void The_experiment_builds_against_the_packed_package_outside_the_repository_and_runs_an_adversary_over_two_sealed_programs()
    {
        Assert.True(File.Exists(PackagePath), $"no {PackagePath}");
        var run = experiment.Run!;
        Assert.True(run.ExitCode == 0, run.Describe() + run.StdoutText);
        string output = run.StdoutText;
        Assert.Contains("owner (pid 1): Exited, exit code 0, ran sealed", output, StringComparison.Ordinal);
        Assert.Contains("client (pid 2): Exited, exit code 0, ran sealed", output, StringComparison.Ordinal);
        Assert.Contains("the shared plaintext was never seen", output, StringComparison.Ordinal);
        Assert.Matches(@"the OS watched [1-9]\d* system calls, [1-9]\d* channel messages", output);

        // Cloak.Simulator came from the temporary folder; its dependency from the configured registry.
        Assert.Equal(Path.TrimEndingDirectorySeparator(experiment.Packages), Source("cloak.simulator", RepositoryVersion));
        Assert.NotEqual(Path.TrimEndingDirectorySeparator(experiment.Packages), Source("tomlyn", Dependencies().Single().Version));
    }

    private string Source(string id, string version)
    {
        string metadata = Path.Combine(experiment.GlobalPackages, id, version, ".nupkg.metadata");
        Assert.True(File.Exists(metadata), $"{id} {version} was not restored into {experiment.GlobalPackages}");
        return Path.TrimEndingDirectorySeparator(JsonDocument.Parse(File.ReadAllText(metadata)).RootElement.GetProperty("source").GetString()!);
    }

    private XElement Nuspec()
    {
        using var package = ZipFile.OpenRead(PackagePath);
        using var stream = package.GetEntry("Cloak.Simulator.nuspec")!.Open();
        return XDocument.Load(stream).Root!;
    }

    private List<(string Id, string Version)> Dependencies() =>
        [.. Nuspec().Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!))];

    [Fact]
    public void The_package_carries_every_assembly_with_its_docs_a_readme_and_the_repositorys_version()
    {
        using var package = ZipFile.OpenRead(PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        foreach (string assembly in Assemblies)
        {
            Assert.Contains($"lib/net10.0/{assembly}.dll", entries);
            Assert.Contains($"lib/net10.0/{assembly}.xml", entries);
        }
        Assert.Equal(Assemblies.Length, entries.Count(e => e.EndsWith(".dll", StringComparison.Ordinal)));
        foreach (string assembly in Assemblies)   // the very assemblies these tests run against, not a stale build
        {
            using var image = new MemoryStream();
            using (var entry = package.GetEntry($"lib/net10.0/{assembly}.dll")!.Open()) entry.CopyTo(image);
            image.Position = 0;
            using var pe = new System.Reflection.PortableExecutable.PEReader(image);
            var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            Assert.Equal(Assembly.Load(assembly).ManifestModule.ModuleVersionId, reader.GetGuid(reader.GetModuleDefinition().Mvid));
        }
        Assert.Contains("README.md", entries);

        var metadata = Nuspec().Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => (string)metadata.Elements().Single(e => e.Name.LocalName == name);
        Assert.Equal(RepositoryVersion, Field("version"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Equal(["Tomlyn"], Dependencies().Select(d => d.Id));   // no Cloak assembly is a separate package
        Assert.DoesNotContain(metadata.Elements(), e => e.Name.LocalName is "license" or "licenseUrl");   // the repository has no license file
    }

    [Fact]
    public void No_packaged_assembly_shows_its_internals_to_anything_but_tests_and_the_package_itself()
    {
        foreach (string name in Assemblies)
        {
            var friends = Assembly.Load(name).GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName);
            Assert.All(friends, friend => Assert.True(friend.EndsWith(".Tests", StringComparison.Ordinal) || Assemblies.Contains(friend),
                $"{name} shows its internals to {friend}"));
        }
    }
}
