using System.Text.Json;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Sealing;
using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Issue 10, item 5: <c>--adversary FILE[:ARG]</c> on run and demo. The two examples in
/// examples/adversaries run against the demo's programs and against a user's own (producer and
/// consumer from guest/build/user, sealed for a chip made here), judged from exit codes and the
/// structured records a run writes (the events file's process exits with their end and refusal,
/// the stats file's verdict); then every way loading can fail, the cache, and assemblies.
/// </summary>
public sealed class CliAdversaryTests(CliAdversaryTests.Workspace workspace) : IClassFixture<CliAdversaryTests.Workspace>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private static string Example(string name) => Repository.PathOf($"examples/adversaries/{name}");

    /// <summary>A chip key, the user's programs sealed for it, and one compile cache shared by the tests (so each example compiles once).</summary>
    public sealed class Workspace : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public Workspace()
        {
            using var identity = ChipIdentity.Generate();
            ChipKey = _directory.File("chip.key");
            identity.Save(ChipKey, _directory.File("chip.pub"));
            foreach (string name in (string[])["producer", "consumer"])
                _directory.Write($"{name}.sealed", ElfSealer.Seal(ElfImage.Load(GuestPrograms.Elf($"user/{name}.elf")), identity.PublicKey));
            Cache = _directory.File("cache");
        }

        public string ChipKey { get; }
        public string Cache { get; }
        public string File(string name) => _directory.File(name);
        public void Dispose() => _directory.Dispose();
    }

    private Task<ProcessResult> Cloak(params string[] arguments) => Cloak(workspace.Cache, arguments);

    private static Task<ProcessResult> Cloak(string cache, params string[] arguments) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache }, Timeout, arguments);

    /// <summary>The user's own programs, sealed, under the OS model, with an events file of process exits and adversary actions.</summary>
    private Task<ProcessResult> RunUsersPrograms(string events, params string[] adversaries) => Cloak(
        ["run", "--chip", workspace.ChipKey, workspace.File("producer.sealed"), workspace.File("consumer.sealed"),
         "--events", events, "--events-filter", "process,adversary", .. adversaries.SelectMany(a => (string[])["--adversary", a])]);

    private Task<ProcessResult> Demo(string events, string stats, params string[] arguments) => Cloak(
        ["demo", .. arguments, "--narrate", "none", "--events", events, "--events-filter", "process,adversary", "--stats-json", stats]);

    /// <summary>Each process's exit record from an events file: pid, name, exit code, how it ended, the chip's refusal.</summary>
    private static List<(int Pid, string Name, int ExitCode, string End, string? Refusal)> Exits(string events) =>
        [.. Lines(events).Where(e => e.GetProperty("cat").GetString() == "process" && e.GetProperty("kind").GetString() == "exit")
            .Select(e => (e.GetProperty("pid").GetInt32(), e.GetProperty("process").GetString()!, e.GetProperty("exit_code").GetInt32(),
                e.GetProperty("end").GetString()!, e.GetProperty("refusal").ValueKind == JsonValueKind.Null ? null : e.GetProperty("refusal").GetString()))];

    private static List<string> Actions(string events, string adversary) =>
        [.. Lines(events).Where(e => e.GetProperty("cat").GetString() == "adversary" && e.GetProperty("adversary").GetString() == adversary)
            .Select(e => e.GetProperty("action").GetString()!)];

    private static List<JsonElement> Lines(string path) =>
        [.. File.ReadAllLines(path).Skip(1).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static string Verdict(string stats) =>
        JsonDocument.Parse(File.ReadAllText(stats)).RootElement.GetProperty("outcome").GetProperty("verdict").GetString()!;

    [Fact]
    public async Task Duplicate_against_the_demo_the_copy_of_a_client_is_refused_as_foreign_and_everyone_else_finishes()
    {
        string events = workspace.File("dup-demo.jsonl"), stats = workspace.File("dup-demo.json");
        var result = await Demo(events, stats, "m4", "--attack", "none", "--adversary", Example("duplicate.cs"));

        CliAssert.ExitCode(0, result);
        var exits = Exits(events);
        var copy = Assert.Single(exits, e => e.End != "exited");
        Assert.Equal(("client", "context-refused", "foreign-address-space"), (copy.Name, copy.End, copy.Refusal));
        Assert.Equal(4, exits.Count(e => e.End == "exited" && e.ExitCode == 0));   // the owner and its 3 clients
        Assert.Contains(Actions(events, "Duplicate"), a => a.StartsWith($"started pid {copy.Pid} as a second copy of client", StringComparison.Ordinal));
        Assert.Equal("attack detected", Verdict(stats));
    }

    [Fact]
    public async Task Duplicate_against_a_users_own_programs_the_copy_is_refused_and_the_original_exits_0()
    {
        string events = workspace.File("dup-user.jsonl");
        var result = await RunUsersPrograms(events, Example("duplicate.cs") + ":consumer");

        CliAssert.ExitCode(137, result);   // the copy's status: killed
        var exits = Exits(events);
        var copy = Assert.Single(exits, e => e.Pid == 3);
        Assert.Equal(("consumer", "context-refused", "foreign-address-space"), (copy.Name, copy.End, copy.Refusal));
        Assert.Contains(exits, e => e is { Pid: 1, Name: "producer", ExitCode: 0, End: "exited" });
        Assert.Contains(exits, e => e is { Pid: 2, Name: "consumer", ExitCode: 0, End: "exited" });
        Assert.Contains("duplicate: the copy, pid 3: context refused (ForeignAddressSpace); the original, consumer (pid 2): exited 0", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_rerun_resumes_the_original_from_an_older_context_and_the_chip_refuses_it_as_stale()
    {
        string events = workspace.File("dup-rerun.jsonl");
        var result = await RunUsersPrograms(events, Example("duplicate.cs") + ":consumer,rerun");

        Assert.NotEqual(0, result.ExitCode);
        var consumer = Assert.Single(Exits(events), e => e.Name == "consumer");
        Assert.Equal(("context-refused", "stale"), (consumer.End, consumer.Refusal));
    }

    [Fact]
    public async Task Delay_notification_against_the_demo_holds_each_key_notification_and_the_region_is_still_shared_correctly()
    {
        string events = workspace.File("delay-demo.jsonl"), stats = workspace.File("delay-demo.json");
        var result = await Demo(events, stats, "m4", "--adversary", Example("delay-notification.cs"));

        CliAssert.ExitCode(0, result);
        Assert.Equal(3, Actions(events, "DelayNotification").Count(a => a.StartsWith("held back", StringComparison.Ordinal)));   // one per client
        Assert.All(Exits(events), e => Assert.Equal(("exited", 0), (e.End, e.ExitCode)));
        Assert.Equal("shared correctly", Verdict(stats));
        Assert.Contains("delay-notification: delayed 3 key notification(s)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delay_notification_against_a_users_own_programs_holds_their_channel_and_they_still_exit_0()
    {
        string events = workspace.File("delay-user.jsonl");
        var result = await RunUsersPrograms(events, Example("delay-notification.cs") + ":prodcons");

        CliAssert.ExitCode(0, result);
        Assert.NotEmpty(Actions(events, "DelayNotification"));
        Assert.All(Exits(events), e => Assert.Equal(("exited", 0), (e.End, e.ExitCode)));
        Assert.Contains("consumer checksum matches", result.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_adversaries_at_once_both_act_in_one_run()
    {
        string events = workspace.File("both.jsonl");
        var result = await RunUsersPrograms(events, Example("duplicate.cs") + ":consumer", Example("delay-notification.cs") + ":prodcons");

        CliAssert.ExitCode(137, result);
        Assert.NotEmpty(Actions(events, "Duplicate"));
        Assert.NotEmpty(Actions(events, "DelayNotification"));
    }
}
