using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sdk;

/// <summary>
/// <c>cloak cc</c> from a user's own folder: what it builds runs, its flags are guest/sdk.mk's, and
/// every way it can fail says what is wrong in one line (the compiler's own messages kept).
/// </summary>
public sealed class CcCommandTests
{
    private const string Hello = """
        #include <stdio.h>
        #include "greeting.h"
        int main(int argc, char **argv)
        {
            printf("%s %d %s\n", GREETING, NUMBER, argc > 1 ? argv[1] : "-");
            return 5;
        }
        """;

    private static TempDirectory FolderWithHello()
    {
        var folder = new TempDirectory();
        File.WriteAllText(folder.File("hello.c"), Hello);
        Directory.CreateDirectory(folder.File("inc"));
        File.WriteAllText(folder.File("inc/greeting.h"), "#define GREETING \"hi\"\n");
        return folder;
    }

    [Fact]
    public async Task A_user_program_built_with_include_and_define_runs_under_the_os_model()
    {
        using var folder = FolderWithHello();

        var build = await CliRunner.RunInAsync(folder.Path, "cc", "hello.c", "-I", "inc", "-DNUMBER=42");
        var run = await CliRunner.RunInAsync(folder.Path, "run", "hello.elf", "--", "there");

        CliAssert.ExitCode(0, build);
        CliAssert.ExitCode(5, run);
        Assert.Equal("hi 42 there\n", run.StdoutText);
    }

    [Fact]
    public async Task A_bare_metal_program_is_linked_at_the_ram_base_and_exits_over_semihosting()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("bm.c"), "#include <stdio.h>\n#include <stdlib.h>\nint main(void) { printf(\"bare\\n\"); exit(9); }\n");

        var build = await CliRunner.RunInAsync(folder.Path, "cc", "--bare-metal", "bm.c", "-o", "bm.elf");
        var run = await CliRunner.RunInAsync(folder.Path, "run", "bm.elf");

        CliAssert.ExitCode(0, build);
        CliAssert.ExitCode(9, run);
        Assert.Equal("bare\n", run.StdoutText);
        Assert.Equal(0x8000_0000UL, Cloak.Elf.ElfImage.Load(folder.File("bm.elf")).Entry);
    }

    [Fact]
    public async Task Compile_only_then_link_gives_the_same_program()
    {
        using var folder = FolderWithHello();

        var compile = await CliRunner.RunInAsync(folder.Path, "cc", "-c", "hello.c", "-Iinc", "-DNUMBER=1", "-o", "hello.o");
        var link = await CliRunner.RunInAsync(folder.Path, "cc", "hello.o", "-o", "linked.elf");
        var run = await CliRunner.RunInAsync(folder.Path, "run", "linked.elf");

        CliAssert.ExitCode(0, compile);
        CliAssert.ExitCode(0, link);
        Assert.Equal("hi 1 -\n", run.StdoutText);
    }

    [Fact]
    public async Task A_compile_error_shows_the_compilers_diagnostics_and_exits_65()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("bad.c"), "int main(void) { return undeclared_thing; }\n");

        var result = await CliRunner.RunInAsync(folder.Path, "cc", "bad.c");

        CliAssert.ExitCode(65, result);
        Assert.Contains("bad.c:1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("undeclared_thing", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("cloak: compilation failed", result.StderrLines[^1], StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("bad.elf")));
    }

    [Fact]
    public async Task A_missing_compiler_is_named_with_how_to_install_it()
    {
        using var folder = FolderWithHello();

        var result = await CliRunner.RunInAsync(folder.Path, new Dictionary<string, string?> { ["CLOAK_CROSS"] = "no-such-toolchain-" }, "cc", "hello.c");

        CliAssert.ExitCode(69, result);
        CliAssert.OneErrorLine(result, "no-such-toolchain-gcc not found", "apt-get install", "gcc-riscv64-unknown-elf", "picolibc-riscv64-unknown-elf");
    }

    [Fact]
    public async Task Compiler_flags_go_after_double_dash_and_reach_the_compiler()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("warn.c"), "int main(void) { int unused; return 0; }\n");

        var before = await CliRunner.RunInAsync(folder.Path, "cc", "warn.c", "-Wall");
        var after = await CliRunner.RunInAsync(folder.Path, "cc", "warn.c", "--", "-Wall", "-Werror");

        CliAssert.ExitCode(2, before);
        CliAssert.OneErrorLine(before, "unrecognized option '-Wall'", "after --");
        CliAssert.ExitCode(65, after);
        Assert.Contains("unused variable", after.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.c", 66, "missing.c: no such file")]
    [InlineData("notes.txt", 2, "not a source Cloak can build")]
    [InlineData("adir", 66, "is a directory")]
    public async Task A_bad_source_is_named_with_the_problem(string source, int code, string fragment)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("notes.txt"), "text");
        Directory.CreateDirectory(folder.File("adir"));

        var result = await CliRunner.RunInAsync(folder.Path, "cc", source);

        CliAssert.ExitCode(code, result);
        CliAssert.OneErrorLine(result, fragment);
    }

    [Fact]
    public async Task An_output_in_a_missing_directory_is_refused_before_compiling()
    {
        using var folder = FolderWithHello();

        var result = await CliRunner.RunInAsync(folder.Path, "cc", "hello.c", "-Iinc", "-DNUMBER=1", "-o", "nowhere/hello.elf");

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "cannot write 'nowhere/hello.elf'", "no such directory");
    }

    [Fact]
    public async Task A_guest_dir_that_is_not_one_is_named()
    {
        using var folder = FolderWithHello();

        var result = await CliRunner.RunInAsync(folder.Path, new Dictionary<string, string?> { ["CLOAK_GUEST_DIR"] = folder.Path }, "cc", "hello.c");

        CliAssert.ExitCode(69, result);
        CliAssert.OneErrorLine(result, "CLOAK_GUEST_DIR=", "is not a Cloak guest directory");
    }

    [Fact]
    public async Task The_flags_cloak_cc_uses_are_the_ones_sdk_mk_gives_a_makefile()
    {
        using var folder = FolderWithHello();
        File.WriteAllText(folder.File("Makefile"), $"include {Repository.PathOf("guest/sdk.mk")}\nall: hello.elf hello.bare.elf\n");

        var verbose = await CliRunner.RunInAsync(folder.Path, "cc", "-v", "hello.c", "-Iinc", "-DNUMBER=1", "-o", "cc.elf");
        var bareVerbose = await CliRunner.RunInAsync(folder.Path, "cc", "-v", "--bare-metal", "hello.c", "-Iinc", "-DNUMBER=1", "-o", "cc-bare.elf");
        var make = await ExternalProcess.RunAsync("make", ["-n", "--no-print-directory", "CPPFLAGS=-Iinc -DNUMBER=1"], CliRunner.DefaultTimeout, folder.Path);

        CliAssert.ExitCode(0, verbose);
        Assert.True(make.ExitCode == 0, make.Describe());
        // Only the lines of the user's own rules (the runtime's sub-make may print its own commands).
        var makeWords = make.StdoutText.Split('\n').Where(l => l.Contains("hello.", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        foreach (var result in new[] { verbose, bareVerbose })
        {
            string command = result.StderrLines.Single(l => l.StartsWith("cloak: riscv64-unknown-elf-gcc ", StringComparison.Ordinal));
            var flags = command.Split(' ').Skip(2).Where(w => w.StartsWith('-') && w is not ("-o" or "-I" or "-D")).ToList();
            Assert.NotEmpty(flags);
            foreach (string flag in flags)
                Assert.True(makeWords.Contains(flag), $"cloak cc passes {flag}, which sdk.mk's rules do not:\n{make.StdoutText}");
        }
    }
}
