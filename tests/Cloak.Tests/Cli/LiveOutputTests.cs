using Cloak.Tests.Support;

namespace Cloak.Tests.Cli;

/// <summary>
/// Issue 9, items 1 and 2, on a real child process: guest output reaches stdout (or its
/// <c>--output-dir</c> file) line by line while the run goes on, in both modes; SIGINT and SIGTERM
/// stop the run with exit code 130 or 143, every line printed so far, <c>--stats</c> printed and every
/// requested file complete; the progress line never appears in a captured stderr. The guest is
/// guest/tests/user/slow_lines.c: four lines, each after about 150 M instructions (a second or so).
/// </summary>
public sealed class LiveOutputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    /// <summary>What slow_lines prints (checked against a run of each build: its checksums come from a fixed sequence).</summary>
    private static readonly string[] Expected =
    [
        "slow_lines: line 1 of 4, checksum 0x00000006fa7e3d2a",
        "slow_lines: line 2 of 4, checksum 0x000000057ea94ee5",
        "slow_lines: line 3 of 4, checksum 0x000000018859e951",
        "slow_lines: line 4 of 4, checksum 0x000000053cfd4e7e",
    ];

    /// <summary>
    /// The lines are timed against the interpreter, the reference engine: the block translator runs
    /// slow_lines' loop several times faster, and a fast machine would then print the four lines too
    /// close together to tell live output from output held until exit, or end before a signal lands.
    /// </summary>
    private const string Interpreted = "--engine=interp";

    private static string SlowLines(string mode) => GuestPrograms.Elf(mode == "bare-metal" ? "tests/bare/slow_lines.elf" : "tests/user/slow_lines.elf");

    /// <summary>
    /// Each line came well after the one before (a second of computing lies between two; a program
    /// whose output is held until it exits delivers them all within milliseconds), and the first came
    /// well before the exit.
    /// </summary>
    private static void AssertArrivedOneByOne(List<TimeSpan> arrivals, TimeSpan exitedAt)
    {
        string times = string.Join(", ", arrivals.Select(a => $"{a.TotalSeconds:F2} s")) + $"; exit at {exitedAt.TotalSeconds:F2} s";
        for (int i = 1; i < arrivals.Count; i++)
            Assert.True(arrivals[i] - arrivals[i - 1] >= TimeSpan.FromSeconds(0.15), $"line {i + 1} came right after line {i}: {times}");
        Assert.True(exitedAt - arrivals[0] >= TimeSpan.FromSeconds(0.45), $"the first line came only at the end: {times}");
    }

    [Theory]
    [InlineData("bare-metal")]
    [InlineData("os")]
    public async Task Each_line_reaches_stdout_as_the_guest_prints_it(string mode)
    {
        using var cloak = LiveCli.Start("run", Interpreted, SlowLines(mode));

        var (code, exitedAt, stderr) = await cloak.WaitForExitAsync(Timeout);

        Assert.True(code == 0, stderr);
        Assert.Equal(Expected, cloak.Lines.Select(l => l.Line));
        AssertArrivedOneByOne([.. cloak.Lines.Select(l => l.At)], exitedAt);
        // Longer than the progress line's 2 s delay, and stderr is a pipe: no progress line.
        Assert.True(exitedAt > TimeSpan.FromSeconds(2.5), $"the run took only {exitedAt.TotalSeconds:F2} s: too short to show that no progress line appears");
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Each_line_reaches_the_output_dir_file_as_the_guest_prints_it()
    {
        using var temp = new TempDirectory();
        string file = Path.Combine(temp.Path, "out", "1-slow_lines.out");
        using var cloak = LiveCli.Start("run", Interpreted, "--output-dir", Path.Combine(temp.Path, "out"), SlowLines("os"));
        var arrivals = new List<TimeSpan>();

        while (!cloak.HasExited)
        {
            int lines = File.Exists(file) ? ReadShared(file).Count(c => c == '\n') : 0;
            while (arrivals.Count < lines) arrivals.Add(cloak.Now);
            Assert.True(cloak.Now < Timeout, "the run did not end");
            await Task.Delay(20);
        }
        var (code, exitedAt, stderr) = await cloak.WaitForExitAsync(Timeout);

        Assert.True(code == 0, stderr);
        Assert.Empty(cloak.Lines);
        Assert.Equal(Expected, File.ReadAllLines(file));
        Assert.True(arrivals.Count >= 3, $"only {arrivals.Count} lines were in the file before the run ended");
        AssertArrivedOneByOne(arrivals, exitedAt);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [Theory]
    [InlineData("bare-metal", LiveCli.SigInt, false)]
    [InlineData("bare-metal", LiveCli.SigTerm, false)]
    [InlineData("os", LiveCli.SigInt, false)]
    [InlineData("os", LiveCli.SigTerm, false)]
    [InlineData("os", LiveCli.SigInt, true)]
    public async Task A_signal_mid_run_keeps_the_output_and_writes_every_file(string mode, int signal, bool outputDir)
    {
        using var temp = new TempDirectory();
        string stats = temp.File("stats.json"), events = temp.File("events.jsonl"), timeline = temp.File("timeline.json"), dir = temp.File("out");
        string[] output = outputDir ? ["--output-dir", dir] : [];
        using var cloak = LiveCli.Start(["run", Interpreted, "--stats", "--stats-json", stats, "--events", events, "--timeline", timeline, .. output, SlowLines(mode)]);

        if (outputDir)
        {
            while (!File.Exists(Path.Combine(dir, "1-slow_lines.out")) || !ReadShared(Path.Combine(dir, "1-slow_lines.out")).Contains('\n', StringComparison.Ordinal))
            {
                Assert.False(cloak.HasExited, "cloak ended before its first line");
                await Task.Delay(20);
            }
        }
        else
        {
            await cloak.WaitForLinesAsync(1, Timeout);
        }
        cloak.Signal(signal);
        var (code, _, stderr) = await cloak.WaitForExitAsync(Timeout);

        Assert.True(code == 128 + signal, $"exit code {code}; stderr:\n{stderr}");
        var printed = outputDir ? File.ReadAllLines(Path.Combine(dir, "1-slow_lines.out")) : [.. cloak.Lines.Select(l => l.Line)];
        Assert.InRange(printed.Length, 1, Expected.Length - 1);
        Assert.Equal(Expected.Take(printed.Length), printed);
        Assert.Contains("cloak: instructions retired", stderr, StringComparison.Ordinal);
        Assert.Contains("cloak: stopped by            an interruption", stderr, StringComparison.Ordinal);
        Assert.Contains(signal == LiveCli.SigInt ? "interrupted by Ctrl-C (SIGINT)" : "interrupted by SIGTERM", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        var statistics = ObservationFiles.ReadStats(stats);
        ObservationFiles.AssertValid(ObservationFiles.StatsSchema, statistics, "the interrupted run's stats");
        var outcome = statistics.GetProperty("outcome");
        Assert.Equal("interrupted", outcome.Text("end"));
        Assert.True(outcome.GetProperty("interrupted").GetBoolean());
        Assert.Equal(128 + signal, outcome.GetProperty("exit_code").GetInt32());
        Assert.True(statistics.GetProperty("totals").Count("instructions") >= 150_000_000, "the counts stop at the interruption, not at zero");
        var (header, lines) = ObservationFiles.ReadEvents(events);
        ObservationFiles.AssertValid(ObservationFiles.EventsSchema, header, "the header");
        foreach (var e in lines) ObservationFiles.AssertValid(ObservationFiles.EventsSchema, e, "an event");
        if (mode == "os")
        {
            Assert.Contains(lines, e => e.Is("process", "start"));
            Assert.DoesNotContain(lines, e => e.Is("process", "exit"));
        }
        var trace = ObservationFiles.ReadStats(timeline);
        Assert.NotEmpty(trace.GetProperty("traceEvents").EnumerateArray());
    }

    [Fact]
    public async Task A_signal_mid_demo_ends_it_with_a_failed_verdict_and_every_file()
    {
        using var temp = new TempDirectory();
        string stats = temp.File("stats.json"), events = temp.File("events.jsonl");
        // 32 clients in authenticated mode: seconds of work after the first claim step is narrated.
        using var cloak = LiveCli.Start("demo", "m4", "--clients", "32", "--auth", "--stats", "--stats-json", stats, "--events", events);

        while (!cloak.Lines.Any(l => l.Line.Contains("[claim ", StringComparison.Ordinal)))
        {
            Assert.False(cloak.HasExited, "the demo ended before its first claim step");
            await Task.Delay(10);
        }
        cloak.Signal(LiveCli.SigInt);
        var (code, _, stderr) = await cloak.WaitForExitAsync(Timeout);

        Assert.True(code == 130, $"exit code {code}; stderr:\n{stderr}");
        Assert.Contains(cloak.Lines, l => l.Line == "Verdict: failed");
        Assert.Contains("cloak: interrupted by Ctrl-C (SIGINT)", stderr, StringComparison.Ordinal);
        Assert.Contains("cloak: instructions retired", stderr, StringComparison.Ordinal);
        var outcome = ObservationFiles.ReadStats(stats).GetProperty("outcome");
        Assert.True(outcome.GetProperty("interrupted").GetBoolean());
        Assert.Equal("failed", outcome.Text("verdict"));
        Assert.Equal(130, outcome.GetProperty("exit_code").GetInt32());
        var (_, lines) = ObservationFiles.ReadEvents(events);
        Assert.Contains(lines, e => e.Is("protocol", "note"));
        Assert.DoesNotContain(lines, e => e.Is("process", "exit") && e.Text("process") == "owner");
    }
}
