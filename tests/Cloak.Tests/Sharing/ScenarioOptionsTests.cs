using Cloak.Demo;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Sharing;

/// <summary>
/// The demo's options are checked in one place, <see cref="ScenarioOptions.Problem"/>: the library
/// refuses what the command refuses, with the words the command prints.
/// </summary>
public sealed class ScenarioOptionsTests
{
    /// <summary>Command lines the demo refuses, and the same options built in C#.</summary>
    public static TheoryData<string, ScenarioOptions> Refused() => new()
    {
        { "demo m4 --clients 257", new() { Method = ShareMethod.M4, Clients = 257 } },
        { "demo m1 --clients 0", new() { Method = ShareMethod.M1, Clients = 0 } },
        { "demo m4 --ear-entries 3", new() { EarEntries = 3 } },
        { "demo m2 --clients 2", new() { Method = ShareMethod.M2, Clients = 2 } },
        { "demo m5 --clients 1", new() { Method = ShareMethod.M5, Clients = 1 } },
        { "demo m3 --signed", new() { Method = ShareMethod.M3, Signed = true } },
        { "demo m1 --signed", new() { Method = ShareMethod.M1, Signed = true } },
        { "demo m4 --signed --attested", new() { Signed = true, Attested = true } },
        { "demo m2 --attested", new() { Method = ShareMethod.M2, Attested = true } },
        { "demo m1 --attested", new() { Method = ShareMethod.M1, Attested = true } },
        { "demo m4 --attack report-replay", new() { Attack = Attack.ReportReplay } },
        { "demo m3 --attack impostor", new() { Method = ShareMethod.M3, Attack = Attack.Impostor } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task The_demo_command_refuses_with_exit_2_and_the_librarys_own_words(string arguments, ScenarioOptions options)
    {
        string? problem = options.Problem;
        Assert.NotNull(problem);

        var result = await CliRunner.RunAsync(arguments.Split(' '));

        CliAssert.ExitCode(2, result);
        Assert.Equal($"cloak: {problem}", CliAssert.OneErrorLine(result));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void The_library_refuses_the_same_options_before_loading_any_program(string arguments, ScenarioOptions options)
    {
        _ = arguments;
        // No program directory: a check made after loading would fail on the missing files instead.
        var refused = options with { ProgramDirectory = "/nonexistent/share" };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ShareScenario.Run(refused));
        Assert.StartsWith(options.Problem!, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ShareMethod.M1, 1, false, false)]
    [InlineData(ShareMethod.M2, null, false, false)]
    [InlineData(ShareMethod.M3, null, false, true)]
    [InlineData(ShareMethod.M4, ShareScenario.MaxClients, true, false)]
    [InlineData(ShareMethod.M5, 2, false, true)]
    public void Options_the_demo_runs_have_no_problem(ShareMethod method, int? clients, bool signed, bool attested)
    {
        var options = new ScenarioOptions { Method = method, Clients = clients, Signed = signed, Attested = attested };

        Assert.Null(options.Problem);
    }

    [Fact]
    public void The_default_options_have_no_problem()
    {
        Assert.Null(new ScenarioOptions().Problem);
    }
}
