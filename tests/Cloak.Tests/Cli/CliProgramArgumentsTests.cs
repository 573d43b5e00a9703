using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Program arguments on the <c>cloak run</c> command line (docs/cli.md, "Program arguments"):
/// <c>PROGRAM -- ARG...</c> for one program, <c>PROGRAM:ARG1,ARG2</c> for each of several, and the
/// shipped sharing programs run that way.
/// </summary>
public sealed class CliProgramArgumentsTests
{
    private static string UserHello => GuestPrograms.Elf("user/hello.elf");

    [Fact]
    public async Task Words_after_double_dash_become_argv_of_a_user_program_options_included()
    {
        var result = await CliRunner.RunAsync("run", UserHello, "--", "one", "-v", "two words");

        CliAssert.ExitCode(0, result);
        Assert.Equal("hello from process 1 (parent 0)\nargv[0] = hello\nargv[1] = one\nargv[2] = -v\nargv[3] = two words\n", result.StdoutText);
    }

    [Fact]
    public async Task Each_of_several_programs_gets_its_own_arguments_after_a_colon()
    {
        using var folder = new TempDirectory();
        File.Copy(UserHello, folder.File("greeter.elf"));

        var result = await CliRunner.RunInAsync(folder.Path, "run", $"{UserHello}:a,b\\,c,,d\\\\e", "greeter.elf:x", "greeter.elf");

        CliAssert.ExitCode(0, result);
        string[] expected =
        [
            "[1:hello] argv[0] = hello", "[1:hello] argv[1] = a", "[1:hello] argv[2] = b,c", "[1:hello] argv[3] = ", "[1:hello] argv[4] = d\\e",
            "[2:greeter] argv[0] = greeter", "[2:greeter] argv[1] = x",
            "[3:greeter] argv[0] = greeter",
        ];
        var lines = result.StdoutText.Split('\n').Where(l => l.Contains("argv", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task A_file_name_with_a_colon_is_taken_whole_when_it_exists()
    {
        using var folder = new TempDirectory();
        File.Copy(UserHello, folder.File("odd:name.elf"));

        var whole = await CliRunner.RunInAsync(folder.Path, "run", "odd:name.elf");
        var withArguments = await CliRunner.RunInAsync(folder.Path, "run", "odd:name.elf:q", "odd:name.elf");

        CliAssert.ExitCode(0, whole);
        Assert.Contains("argv[0] = odd:name", whole.StdoutText, StringComparison.Ordinal);
        CliAssert.ExitCode(0, withArguments);
        Assert.Contains("[1:odd:name] argv[1] = q", withArguments.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_program_with_arguments_is_named_without_them()
    {
        var result = await CliRunner.RunAsync("run", "nothere.sealed:a,b");

        CliAssert.ExitCode(66, result);
        CliAssert.OneErrorLine(result, "nothere.sealed: no such file");
    }

    [Theory]
    [InlineData(new[] { "A", "B", "--", "x" }, "arguments after -- go to a single program")]
    [InlineData(new[] { "A:y", "--", "x" }, "arguments given twice")]
    [InlineData(new[] { "A:bad\\escape" }, "a backslash in program arguments")]
    [InlineData(new[] { "--", "A" }, "no program before --")]
    public async Task Ambiguous_arguments_are_usage_errors(string[] words, string fragment)
    {
        string[] arguments = [.. words.Select(w => w.Replace("A", UserHello, StringComparison.Ordinal).Replace("B", GuestPrograms.Elf("tests/user/spin.elf"), StringComparison.Ordinal))];

        var result = await CliRunner.RunAsync(["run", .. arguments]);

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, fragment);
    }

    [Fact]
    public async Task A_bare_metal_program_reads_its_path_and_arguments_from_sys_get_cmdline()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("cmd.c"), """
            #include <stdio.h>
            #include <stdlib.h>
            #include <semihost.h>
            int main(void) { char line[128]; if (sys_semihost_get_cmdline(line, sizeof line)) exit(1); printf("[%s]\n", line); exit(0); }
            """);
        var build = await CliRunner.RunInAsync(folder.Path, "cc", "--bare-metal", "cmd.c", "-o", "cmd.elf");

        var withArguments = await CliRunner.RunInAsync(folder.Path, "run", "cmd.elf", "--", "alpha", "beta");
        var withCmdline = await CliRunner.RunInAsync(folder.Path, "run", "--cmdline", "set by hand", "cmd.elf");
        var both = await CliRunner.RunInAsync(folder.Path, "run", "--cmdline", "x", "cmd.elf", "--", "y");

        CliAssert.ExitCode(0, build);
        Assert.Equal("[cmd.elf alpha beta]\n", withArguments.StdoutText);
        Assert.Equal("[set by hand]\n", withCmdline.StdoutText);
        CliAssert.ExitCode(2, both);
        CliAssert.OneErrorLine(both, "--cmdline", "not both");
    }

    [Fact]
    public async Task Two_different_files_with_one_program_name_are_refused()
    {
        using var folder = new TempDirectory();
        File.Copy(UserHello, folder.File("hello.elf"));

        var result = await CliRunner.RunInAsync(folder.Path, "run", UserHello, "hello.elf");

        CliAssert.ExitCode(2, result);
        CliAssert.OneErrorLine(result, "two programs named 'hello'", "rename one");
    }

    [Theory]
    [InlineData("m2", 1)]
    [InlineData("m4", 2)]
    public async Task The_shipped_sharing_programs_run_from_the_command_line_with_their_arguments(string method, int clients)
    {
        using var folder = new TempDirectory();
        string share = Path.Combine(Repository.GuestBuildDirectory, "share");
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "keygen"));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", Path.Combine(share, "share_owner.elf"), "-o", "share_owner.sealed"));
        CliAssert.ExitCode(0, await CliRunner.RunInAsync(folder.Path, "seal", Path.Combine(share, "share_client.elf"), "-o", "share_client.sealed"));
        string[] clientWords = [.. Enumerable.Range(1, clients).Select(i => $"share_client.sealed:{method},{i}")];

        var result = await CliRunner.RunInAsync(folder.Path, ["run", $"share_owner.sealed:{method},{clients}", .. clientWords]);

        CliAssert.ExitCode(0, result);
        Assert.Contains("[1:share_owner] RESULT shared correctly", result.StdoutText, StringComparison.Ordinal);
        for (int i = 1; i <= clients; i++)
            Assert.Contains($"client {i}: checked 3 rounds, 0 bad records", result.StdoutText, StringComparison.Ordinal);
    }
}
