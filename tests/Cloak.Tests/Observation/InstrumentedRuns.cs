using System.Text.Json;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;

namespace Cloak.Tests.Observation;

/// <summary>
/// One real <c>cloak</c> run with every instrument on: <c>--stats-json</c>, <c>--events</c> (all
/// categories, the bus included) and <c>--timeline</c>, and the files it wrote.
/// </summary>
public sealed class InstrumentedRun
{
    internal InstrumentedRun(string name, ProcessResult result, string directory)
    {
        Name = name;
        Result = result;
        StatsPath = Path.Combine(directory, $"{name}.stats.json");
        EventsPath = Path.Combine(directory, $"{name}.events.jsonl");
        TimelinePath = Path.Combine(directory, $"{name}.timeline.json");
    }

    public string Name { get; }
    internal ProcessResult Result { get; }
    public string StatsPath { get; }
    public string EventsPath { get; }
    public string TimelinePath { get; }

    public JsonElement Stats => ObservationFiles.ReadStats(StatsPath);

    public IReadOnlyList<JsonElement> Events => ObservationFiles.ReadEvents(EventsPath).Events;

    public override string ToString() => Name;
}

/// <summary>
/// The runs the instrument tests read, made once per test session: a bare-metal program, plain and
/// sealed (authenticated) user programs under the OS model, a sealed program that swaps, and demos
/// under a snooping, a tampering and a context-flipping OS. Each run's exit code is checked here, so
/// a test reading its files reads a run that did what it should.
/// </summary>
public sealed class InstrumentedRuns : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, InstrumentedRun> _runs = new(StringComparer.Ordinal);

    /// <summary>The names of the runs, for theory rows.</summary>
    public static readonly string[] Names = ["bare-metal", "os-plain", "os-sealed", "os-swap", "demo-snoop", "demo-tamper", "demo-context"];

    public static TheoryData<string> Rows() => GuestPrograms.Rows(Names);

    /// <summary>The runs under the OS model (every run but the bare-metal one).</summary>
    public static TheoryData<string> OsRows() => GuestPrograms.Rows(Names.Where(n => n != "bare-metal"));

    /// <summary>The chip's private key the sealed programs were sealed for.</summary>
    public string ChipKey => Path.Combine(_directory.Path, "chip.key");

    /// <summary>A sealed copy of guest/build/user/producer.elf, consumer.elf or tests/user/swap_stress.elf, by name.</summary>
    public string SealedProgram(string name) => Path.Combine(_directory.Path, name + ".sealed");

    public InstrumentedRun this[string name]
    {
        get
        {
            lock (_runs) return _runs[name];
        }
    }

    public async Task InitializeAsync()
    {
        string dir = _directory.Path;
        string chip = Path.Combine(dir, "chip");
        var keygen = await CliRunner.RunAsync("keygen", "-o", chip);
        CliAssert.ExitCode(0, keygen);
        foreach (string program in new[] { "user/producer", "user/consumer", "tests/user/swap_stress" })
        {
            var seal = await CliRunner.RunAsync("seal", GuestPrograms.Elf($"{program}.elf"), "--chip", chip + ".pub", "-o", Sealed(program));
            CliAssert.ExitCode(0, seal);
        }
        // Two at a time: the machine the suite runs on has two cores.
        await Task.WhenAll(
            Run("bare-metal", 0, "run", GuestPrograms.ExampleElf("primes")),
            Run("os-plain", 0, "run", GuestPrograms.Elf("user/producer.elf"), GuestPrograms.Elf("user/consumer.elf")));
        await Task.WhenAll(
            Run("os-sealed", 0, "run", "--chip", chip + ".key", "--auth", Sealed("user/producer"), Sealed("user/consumer")),
            Run("os-swap", 0, "run", "--chip", chip + ".key", "--auth", "--dram", "256K", Sealed("tests/user/swap_stress")));
        await Task.WhenAll(
            Run("demo-snoop", 0, "demo", "m4"),
            Run("demo-tamper", 0, "demo", "m4", "--attack", "tamper", "--auth"));
        await Run("demo-context", 0, "demo", "m4", "--attack", "context");

        string Sealed(string program) => Path.Combine(dir, Path.GetFileName(program) + ".sealed");
    }

    private async Task Run(string name, int expectedExit, params string[] arguments)
    {
        var run = new InstrumentedRun(name, new ProcessResult("", 0, [], ""), _directory.Path);
        string[] instruments = ["--stats-json", run.StatsPath, "--events", run.EventsPath, "--events-filter", "all", "--timeline", run.TimelinePath];
        // The command first, then the instruments, then the rest (options may follow the program names too).
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(180), [arguments[0], .. instruments, .. arguments[1..]]);
        CliAssert.ExitCode(expectedExit, result);
        lock (_runs) _runs[name] = new InstrumentedRun(name, result, _directory.Path);
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class InstrumentedRunsCollection : ICollectionFixture<InstrumentedRuns>
{
    public const string Name = "instrumented runs";
}
