using System.Reflection;
using Cloak.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Cloak.Tests.Cli;

/// <summary>
/// How <c>--adversary</c> loads a user's file, and every way that can fail: a missing file (66),
/// compile errors with the compiler's file:line (65), a file without an adversary (65), a reference
/// into the chip (65), arguments nobody takes or a missing one (2), an adversary that throws (70,
/// named with its file and line); the compile cache under XDG_CACHE_HOME; assemblies.
/// </summary>
public sealed class CliAdversaryLoadingTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _directory = new();
    private string Cache => _directory.File("cache");
    private string CacheFolder => Path.Combine(Cache, "cloak", "adversaries");

    public void Dispose() => _directory.Dispose();

    private static string Hello => GuestPrograms.Elf("user/hello.elf");

    private string Source(string name, string text) => _directory.Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    private Task<ProcessResult> Run(params string[] adversaries) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Cache }, Timeout,
            ["run", Hello, .. adversaries.SelectMany(a => (string[])["--adversary", a])]);

    private const string Counter = """
        using Cloak.Kernel.Adversaries;

        public sealed class SyscallCounter : Adversary
        {
            private int _calls;
            public override void OnSyscall(SyscallEvent e) => _calls++;
            public override void OnShutdown() => Console.Error.WriteLine($"counted {_calls} system calls");
        }
        """;

    [Fact]
    public async Task A_CSharp_adversary_is_compiled_cached_under_XDG_CACHE_HOME_and_the_second_run_uses_the_cache()
    {
        string file = Source("counter.cs", Counter);

        var first = await Run(file);
        CliAssert.ExitCode(0, first);
        Assert.Matches(@"counted [1-9]\d* system calls", first.Stderr);
        string cached = Assert.Single(Directory.GetFiles(CacheFolder, "*.dll"));
        var written = File.GetLastWriteTimeUtc(cached);

        var second = await Run(file);
        CliAssert.ExitCode(0, second);
        Assert.Equal(first.Stderr, second.Stderr);
        Assert.Equal(cached, Assert.Single(Directory.GetFiles(CacheFolder, "*.dll")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(cached));   // not compiled again

        File.AppendAllText(file, "// changed\n");
        CliAssert.ExitCode(0, await Run(file));
        Assert.Equal(2, Directory.GetFiles(CacheFolder, "*.dll").Length);   // a changed file compiles afresh
    }

    [Fact]
    public async Task A_missing_file_exits_66()
    {
        var result = await Run(_directory.File("nowhere.cs"));

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "nowhere.cs", "no such file");
    }

    [Fact]
    public async Task Compile_errors_are_the_compilers_diagnostics_with_file_and_line_and_exit_65()
    {
        string file = Source("broken.cs", "using Cloak.Kernel.Adversaries;\npublic sealed class Broken : Adversary\n{\n    public override void OnShutdown() { int x = \"a\"; }\n}\n");

        var result = await Run(file);

        CliAssert.ExitCode(65, result);
        Assert.Equal(2, result.StderrLines.Count);
        Assert.StartsWith($"{file}:4:49: error CS0029: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Equal($"cloak: --adversary {file}: 1 compile error", result.StderrLines[1]);
    }

    [Fact]
    public async Task An_adversary_that_names_the_chip_does_not_compile_it_has_the_powers_of_an_OS_only()
    {
        string file = Source("peek.cs", "using Cloak.Chip.Security;\nusing Cloak.Kernel.Adversaries;\npublic sealed class Peek : Adversary { }\n");

        var result = await Run(file);

        CliAssert.ExitCode(65, result);
        Assert.StartsWith($"{file}:1:13: error CS0234: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Contains("nothing of the chip's", result.StderrLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_no_adversary_in_it_says_so_and_exits_65()
    {
        var result = await Run(Source("nothing.cs", "public static class Nothing { }\n"));

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "nothing.cs", "no adversary in it");
    }

    [Fact]
    public async Task An_argument_goes_to_the_string_constructor_and_is_refused_where_no_adversary_takes_one()
    {
        string takes = Source("named.cs", """
            using Cloak.Kernel.Adversaries;
            public sealed class Named(string who) : Adversary
            {
                public override void OnShutdown() => Console.Error.WriteLine($"argument: [{who}]");
            }
            """);
        string quiet = Source("quiet.cs", "using Cloak.Kernel.Adversaries;\npublic sealed class Quiet : Adversary { }\n");

        var given = await Run(takes + ":a,b:c");
        var missing = await Run(takes);
        var unwanted = await Run(quiet + ":x");

        CliAssert.ExitCode(0, given);
        Assert.Contains("argument: [a,b:c]", given.Stderr, StringComparison.Ordinal);
        CliAssert.ExitCode(2, missing);
        CliAssert.OneErrorLine(missing, "Named takes an argument");
        CliAssert.ExitCode(2, unwanted);
        CliAssert.OneErrorLine(unwanted, "no adversary in it takes an argument");
    }

    [Fact]
    public async Task A_file_that_is_neither_CSharp_nor_an_assembly_is_a_usage_error()
    {
        var result = await Run(Source("notes.txt", "hello"));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "notes.txt", "a C# file (.cs) or an assembly (.dll)");
    }

    [Fact]
    public async Task An_adversary_that_throws_stops_the_run_with_exit_70_naming_its_file_line_and_hook()
    {
        string file = Source("thrower.cs", """
            using Cloak.Kernel.Adversaries;
            public sealed class Thrower : Adversary
            {
                public override void OnSyscall(SyscallEvent e)
                {
                    throw new InvalidOperationException("boom");
                }
            }
            """);

        var result = await Run(file);

        CliAssert.ExitCode(70, result);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal([$"cloak: the adversary Thrower ({file}) failed in OnSyscall at thrower.cs:6: InvalidOperationException: boom"], result.StderrLines);
    }

    [Fact]
    public async Task An_adversary_on_a_bare_metal_program_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("run", GuestPrograms.CTestElf("recursion"), "--adversary", Source("quiet.cs", "x"));

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "--adversary needs user processes under the OS model");
    }

    [Fact]
    public async Task An_assembly_with_an_adversary_loads_and_one_that_references_the_chip_is_refused()
    {
        string good = Compile("counter", Counter);
        string bad = Compile("peek", "using Cloak.Chip.Security;\nusing Cloak.Kernel.Adversaries;\npublic sealed class Peek : Adversary { public static int Size => new SecurityOptions().EarEntries; }\n");

        var loaded = await Run(good);
        var refused = await Run(bad);

        CliAssert.ExitCode(0, loaded);
        Assert.Matches(@"counted [1-9]\d* system calls", loaded.Stderr);
        CliAssert.ExitCode(65, refused);
        CliAssert.OneErrorLine(refused, "peek.dll", "references Cloak.Chip");
    }

    /// <summary>Builds a class library the way a user's project would, against every Cloak assembly the tests have (the chip's too).</summary>
    private string Compile(string name, string source)
    {
        var references = new[] { typeof(object), typeof(Kernel.Adversaries.Adversary), typeof(Chip.Security.SecurityOptions), typeof(Console), typeof(Enumerable) }
            .Select(t => t.Assembly.Location)
            .Concat(Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll"))
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText("global using System;\n" + source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        string path = _directory.File(name + ".dll");
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return path;
    }

    [Fact]
    public void The_loader_compiles_against_the_OS_side_only()
    {
        var names = Scripting.OsSide.Assemblies.Select(a => a.GetName().Name).ToList();
        Assert.DoesNotContain("Cloak.Chip", names);
        Assert.DoesNotContain("Cloak.Crypto", names);
        Assert.DoesNotContain("Cloak", names);
        Assert.DoesNotContain(typeof(Scripting.AdversaryLoader).Assembly.GetReferencedAssemblies(), a => Scripting.OsSide.Forbidden.Contains(a.Name!));
        Assert.Contains(typeof(Kernel.Adversaries.Adversary).Assembly, (IEnumerable<Assembly>)Scripting.OsSide.Assemblies);
    }
}
