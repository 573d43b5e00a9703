namespace Cloak.Tests.Support;

/// <summary>
/// The guest programs, enumerated from their <em>sources</em> so that a program whose binary is
/// missing becomes a failing row instead of silently disappearing. Binaries are resolved through
/// <see cref="Elf"/>, which fails the test with "run make -C guest" when one is missing.
/// </summary>
internal static class GuestPrograms
{
    /// <summary>guest/tests/isa/*.S, by name.</summary>
    public static IReadOnlyList<string> IsaPrograms => Names("guest/tests/isa", "*.S");

    /// <summary>guest/tests/c/*.c, by name.</summary>
    public static IReadOnlyList<string> CTests => Names("guest/tests/c", "*.c");

    /// <summary>guest/tests/c/faults/*.c, by name.</summary>
    public static IReadOnlyList<string> FaultTests => Names("guest/tests/c/faults", "*.c");

    /// <summary>guest/examples/&lt;name&gt;/ directories that hold C sources, by name.</summary>
    public static IReadOnlyList<string> Examples
    {
        get
        {
            string directory = Repository.PathOf("guest/examples");
            var names = Directory.Exists(directory)
                ? Directory.GetDirectories(directory)
                    .Where(d => Directory.EnumerateFiles(d, "*.c").Any())
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Order(StringComparer.Ordinal)
                    .ToList()
                : [];
            return names.Count > 0 ? names : throw new InvalidOperationException($"no example programs found under {directory}");
        }
    }

    public static string IsaElf(string name) => Elf($"tests/isa/{name}.elf");
    public static string CTestElf(string name) => Elf($"tests/c/{name}.elf");
    public static string FaultElf(string name) => Elf($"tests/c/faults/{name}.elf");
    public static string ExampleElf(string name) => Elf($"examples/{name}.elf");

    /// <summary>A source-side file of a C test (expected output and the like): guest/tests/c/&lt;relative&gt;.</summary>
    public static string CTestFile(string relative) => Repository.PathOf($"guest/tests/c/{relative}");

    /// <summary>
    /// Every guest ELF the repository builds from examples and tests, as "examples/hello",
    /// "tests/c/atomics", "tests/c/faults/illegal_instruction", "tests/isa/rv64i_arith".
    /// </summary>
    public static IReadOnlyList<string> AllElfs =>
    [
        .. Examples.Select(n => $"examples/{n}"),
        .. CTests.Select(n => $"tests/c/{n}"),
        .. FaultTests.Select(n => $"tests/c/faults/{n}"),
        .. IsaPrograms.Select(n => $"tests/isa/{n}"),
    ];

    /// <summary>guest/build/&lt;relative&gt;; fails the calling test, saying how to build it, when it does not exist.</summary>
    public static string Elf(string relative) => GuestBuild.Elf(relative);

    public static TheoryData<string> Rows(IEnumerable<string> names)
    {
        var rows = new TheoryData<string>();
        foreach (string name in names) rows.Add(name);
        return rows;
    }

    private static List<string> Names(string relativeDirectory, string pattern)
    {
        string directory = Repository.PathOf(relativeDirectory);
        var names = Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern)
                .Select(Path.GetFileNameWithoutExtension)
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return names.Count > 0 ? names : throw new InvalidOperationException($"no {pattern} sources found in {directory}");
    }
}
