using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Rough edges a user hits (issue 10, item 8), each said in plain words: values of the wrong type,
/// out-of-range settings, a directory for a program, a program linked for the wrong machine, and a
/// bare-metal main that returns.
/// </summary>
public sealed class CliPlainWordsTests
{
    private static string UserHello => GuestPrograms.Elf("user/hello.elf");

    [Theory]
    [InlineData(new[] { "demo", "--clients", "x" }, "--clients: 'x' is not a whole number")]
    [InlineData(new[] { "run", "--seed", "99999999999", "p.elf" }, "--seed: 99999999999 is out of range (from -2147483648 to 2147483647)")]
    [InlineData(new[] { "run", "--quantum", "-3", "p.elf" }, "--quantum: -3 is out of range (from 0 to 18446744073709551615)")]
    [InlineData(new[] { "run", "--max-instructions", "lots", "p.elf" }, "--max-instructions: 'lots' is not a whole number")]
    [InlineData(new[] { "run", "--tlb-entries", "1.5", "p.elf" }, "--tlb-entries: '1.5' is not a whole number")]
    public async Task A_value_of_the_wrong_kind_is_named_in_plain_words(string[] arguments, string expected)
    {
        var result = await CliRunner.RunAsync(arguments);

        CliAssert.ExitCode(2, result);
        string line = CliAssert.OneErrorLine(result, expected);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("expected type", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tlb-entries", "3", "TLB entries must be a power of two")]
    [InlineData("--ear-entries", "0", "EAR entries must be 4-1024")]
    [InlineData("--cache-ways", "3", "ways must be a power of two")]
    [InlineData("--quantum", "0", "quantum must be at least one instruction")]
    public async Task An_out_of_range_setting_says_the_range_without_naming_a_parameter(string option, string value, string fragment)
    {
        var result = await CliRunner.RunAsync("run", option, value, UserHello);

        CliAssert.ExitCode(2, result);
        string line = CliAssert.OneErrorLine(result, fragment);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("seal")]
    [InlineData("disasm")]
    public async Task A_directory_given_as_a_program_is_named_as_a_directory(string command)
    {
        using var folder = new TempDirectory();

        var result = await CliRunner.RunAsync(command, folder.Path);

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, folder.Path, "is a directory");
    }

    [Fact]
    public async Task A_bare_metal_main_that_returns_stops_with_125_and_says_to_call_exit()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("ret.c"), "#include <stdio.h>\nint main(void) { printf(\"returning\\n\"); return 0; }\n");
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "cc", "--bare-metal", "ret.c"));

        var result = await CliRunner.RunInAsync(folder.Path, "run", "ret.elf");

        CliAssert.ExitCode(125, result);
        Assert.Equal("returning\n", result.StdoutText);
        CliAssert.OneErrorLine(result, "can never continue", "jumps to itself", "main returns", "exit(status)");
    }

    [Fact]
    public async Task A_bare_metal_program_beside_user_programs_is_told_to_be_built_with_cloak_cc()
    {
        var result = await CliRunner.RunAsync("run", UserHello, GuestPrograms.ExampleElf("hello"));

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "a bare-metal program", "cloak cc");
    }

    [Fact]
    public async Task A_program_with_libcloak_linked_as_bare_metal_is_told_how_to_link()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("p.c"), "#include <stdio.h>\n#include <cloak/cloak.h>\nint main(void) { printf(\"%ld\\n\", cloak_getpid()); return 0; }\n");
        // The "obvious" link line: libcloak as a plain archive, without crt0.o and lib/user.ld.
        var link = await ExternalProcess.RunAsync("riscv64-unknown-elf-gcc",
            ["-march=rv64imac", "-misa-spec=2.2", "-mabi=lp64", "-mcmodel=medany", "--specs=picolibc.specs", "--oslib=semihost",
             $"-I{Repository.PathOf("guest/include")}", "p.c", Path.Combine(Repository.GuestBuildDirectory, "lib", "libcloak.a"), "-o", "p.elf"],
            CliRunner.DefaultTimeout, folder.Path);
        Assert.True(link.ExitCode == 0, link.Describe());

        var result = await CliRunner.RunInAsync(folder.Path, "run", "p.elf");

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "contains libcloak but not its entry point", "cloak cc", "cloak cc --bare-metal");
    }

    [Fact]
    public async Task A_program_linked_for_neither_machine_points_at_cloak_cc()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("p.c"), "#include <stdlib.h>\nint main(void) { exit(0); }\n");
        // picolibc's default layout (flash at 0x1000_0000), not Cloak's RAM.
        var link = await ExternalProcess.RunAsync("riscv64-unknown-elf-gcc",
            ["-march=rv64imac", "-misa-spec=2.2", "-mabi=lp64", "-mcmodel=medany", "--specs=picolibc.specs", "--oslib=semihost", "p.c", "-o", "p.elf"],
            CliRunner.DefaultTimeout, folder.Path);
        Assert.True(link.ExitCode == 0, link.Describe());

        var result = await CliRunner.RunInAsync(folder.Path, "run", "p.elf");

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "outside RAM", "cloak cc --bare-metal");
    }

    [Fact]
    public async Task Sealing_a_bare_metal_program_says_to_build_a_user_program()
    {
        var result = await CliRunner.RunAsync("seal", GuestPrograms.ExampleElf("hello"), "--chip", "nonexistent.pub");

        CliAssert.ExitCode(65, result);
        CliAssert.OneErrorLine(result, "a bare-metal program", "cloak cc, without --bare-metal");
    }
}
