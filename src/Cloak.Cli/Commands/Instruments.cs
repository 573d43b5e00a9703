using System.CommandLine;
using System.Globalization;
using Cloak.Observation;

namespace Cloak.Cli.Commands;

/// <summary>
/// The options that make a run explainable (issue 9): <c>--stats</c>, <c>--stats-json</c>,
/// <c>--events</c> with <c>--events-filter</c>, and <c>--timeline</c>, shared by <c>run</c> and
/// <c>demo</c>. Files are opened before the run starts, so a path that cannot be written is an error
/// before any simulation (exit 66), not a lost result after it.
/// </summary>
internal sealed class InstrumentOptions
{
    public Option<bool> Stats { get; } = new("--stats") { Description = "Print instructions, host seconds, MIPS and the machine's counters (per process in OS mode) to stderr at the end." };
    public Option<string?> StatsJson { get; } = new("--stats-json") { Description = "Write every counter, per process and per region, with the machine's configuration and the outcome, as JSON (schema cloak.stats/1, docs/stats.md).", HelpName = "FILE" };
    public Option<string?> Events { get; } = new("--events") { Description = "Write the run's events as JSON lines (docs/events.md): bus lines, EAR changes, TRP instructions, syscalls, messages, faults, swaps, switches, adversary actions, protocol steps.", HelpName = "FILE" };
    public Option<string> EventsFilter { get; } = new("--events-filter") { Description = "Which event categories --events writes: a comma-separated list of process, sched, syscall, fault, swap, channel, protocol, adversary, ear, trp, context, integrity, bus, or all.", DefaultValueFactory = _ => DefaultFilter, HelpName = "LIST" };
    public Option<string?> Timeline { get; } = new("--timeline") { Description = "Write a timeline in Chrome trace-event JSON (open it in ui.perfetto.dev or chrome://tracing): a track per process, the OS, the adversary and the bus; messages as arrows.", HelpName = "FILE" };

    /// <summary>Everything but the bus (large) by default.</summary>
    public const string DefaultFilter = "process,sched,syscall,fault,swap,channel,protocol,adversary,ear,trp,context,integrity";

    public IEnumerable<Option> All => [Stats, StatsJson, Events, EventsFilter, Timeline];

    public InstrumentRequest Read(ParseResult parse)
    {
        IReadOnlySet<EventCategory> filter;
        try
        {
            filter = RunEvent.ParseFilter(parse.GetRequiredValue(EventsFilter));
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--events-filter: {e.Message}");
        }
        return new InstrumentRequest(parse.GetValue(Stats), parse.GetValue(StatsJson), parse.GetValue(Events), filter, parse.GetValue(Timeline));
    }

    /// <summary>What an experiment (a run file with the command line laid over it) asks to record.</summary>
    public InstrumentRequest From(Experiments.ExperimentSpec spec)
    {
        IReadOnlySet<EventCategory> filter;
        try
        {
            filter = RunEvent.ParseFilter(spec.EventsFilter ?? DefaultFilter);
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--events-filter: {e.Message}");
        }
        return new InstrumentRequest(spec.Stats == true, spec.StatsJson, spec.Events, filter, spec.Timeline);
    }
}

/// <summary>What the user asked to see of a run.</summary>
internal sealed record InstrumentRequest(bool Stats, string? StatsJson, string? Events, IReadOnlySet<EventCategory> EventFilter, string? Timeline)
{
    /// <summary>True if anything needs a recorder on the machine (otherwise the run goes uninstrumented, at full speed).</summary>
    public bool Any => Stats || StatsJson is not null || Events is not null || Timeline is not null;
}

/// <summary>The open files and sinks of one instrumented run, and how to finish them.</summary>
internal sealed class Instruments : IDisposable
{
    private readonly InstrumentRequest _request;
    private readonly FileStream? _statsJson;
    private readonly EventLogWriter? _events;
    private readonly TimelineWriter? _timeline;
    private readonly List<string> _failures = [];

    private Instruments(InstrumentRequest request)
    {
        _request = request;
        try
        {
            _statsJson = request.StatsJson is null ? null : OpenOutput(request.StatsJson, "--stats-json");
            _events = request.Events is null ? null : new EventLogWriter(OpenOutput(request.Events, "--events"), request.EventFilter);
            _timeline = request.Timeline is null ? null : new TimelineWriter(OpenOutput(request.Timeline, "--timeline"));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens every requested file (so a bad path fails before the run).</summary>
    public static Instruments Open(InstrumentRequest request) => new(request);

    public RunRecorder? Recorder { get; private set; }

    /// <summary>Attaches the sinks to <paramref name="recorder"/>.</summary>
    public void Attach(RunRecorder recorder)
    {
        Recorder = recorder;
        if (_events is not null) recorder.AddSink(new Guarded(_events, $"--events: writing '{_request.Events}'", _failures));
        if (_timeline is not null) recorder.AddSink(new Guarded(_timeline, $"--timeline: writing '{_request.Timeline}'", _failures));
    }

    /// <summary>
    /// Completes the recording, writes the JSON statistics and prints <c>--stats</c>; returns the
    /// messages of outputs that failed to write (empty if all went well).
    /// </summary>
    public IReadOnlyList<string> Finish(RunConclusion conclusion, Kernel.KernelStatistics? kernel = null)
    {
        if (Recorder is null) return _failures;
        var statistics = Recorder.Complete(conclusion, kernel);
        if (_statsJson is not null)
        {
            try
            {
                StatsJson.Write(statistics, _statsJson);
                _statsJson.Flush();
            }
            catch (IOException e)
            {
                _failures.Add($"--stats-json: writing '{_request.StatsJson}' failed: {e.Message}");
            }
        }
        if (_request.Stats) StatsText.Print(statistics, Console.Error);
        return _failures;
    }

    /// <summary>Opens an output file for writing, or fails with a one-line error naming the option and the problem.</summary>
    internal static FileStream OpenOutput(string path, string option)
    {
        if (Directory.Exists(path)) throw new CliError(ExitCodes.NoInput, $"{option}: '{path}' is a directory");
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliError(ExitCodes.NoInput, $"{option}: cannot write '{path}': {e.Message}");
        }
    }

    public void Dispose()
    {
        // Each closed on its own: one that cannot flush (a full disk, reported by Finish already)
        // must neither turn into a crash nor leave the others open.
        Close(_events);
        Close(_timeline);
        Close(_statsJson);
    }

    private static void Close(IDisposable? output)
    {
        try
        {
            output?.Dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A sink whose write failures (a full disk, /dev/full) stop that sink and are reported, instead of ending the run.</summary>
    private sealed class Guarded(IRunEventSink inner, string what, List<string> failures) : IRunEventSink
    {
        private bool _failed;

        public IReadOnlySet<EventCategory> Categories => inner.Categories;

        public void Write(RunEvent e)
        {
            if (_failed) return;
            try
            {
                inner.Write(e);
            }
            catch (IOException x)
            {
                Fail(x);
            }
        }

        public void Complete(RunStatistics statistics)
        {
            if (_failed) return;
            try
            {
                inner.Complete(statistics);
            }
            catch (IOException x)
            {
                Fail(x);
            }
        }

        private void Fail(IOException x)
        {
            _failed = true;
            failures.Add($"{what} failed: {x.Message}");
        }
    }
}

/// <summary>The text <c>--stats</c>, drawn from the same <see cref="RunStatistics"/> the JSON is.</summary>
internal static class StatsText
{
    public static void Print(RunStatistics s, TextWriter e)
    {
        var c = CultureInfo.InvariantCulture;
        if (s.Mode == "os" && s.Processes.Count > 0)
        {
            e.WriteLine("cloak: pid  name              exit  instructions  page-faults  swap-ins  switches  syscalls");
            foreach (var p in s.Processes.Values)
                e.WriteLine(string.Create(c, $"cloak: {p.Pid,3}  {p.Name,-16} {(p.ExitCode is { } code ? code.ToString(c) : "-"),5}  {p.Chip.Instructions,12}  {p.PageFaults,11}  {p.SwapIns,8}  {p.ContextSwitches,8}  {p.Syscalls,8}"));
            // Whoever reads the numbers must know a debugger could see this process's plaintext (issue 12).
            foreach (var p in s.Processes.Values.Where(p => p.Debuggable))
                e.WriteLine(string.Create(c, $"cloak: process {p.Pid} ({p.Name}) is debuggable (sealed with --debuggable: a debugger sees its registers and plaintext)"));
        }
        var hostSeconds = s.Conclusion?.HostTime.TotalSeconds ?? 0;
        e.WriteLine(string.Create(c, $"cloak: instructions retired  {s.Instructions}"));
        e.WriteLine(string.Create(c, $"cloak: simulated cycles      {s.Cycles}"));
        e.WriteLine(string.Create(c, $"cloak: host seconds          {hostSeconds:F3}"));
        // A run too short to time says so rather than print a meaningless rate.
        e.WriteLine(s.Mips is { } mips ? string.Create(c, $"cloak: MIPS                  {mips:F1}") : "cloak: MIPS                  - (too short to measure: under 1 M instructions or 20 ms)");
        if (s.Conclusion is { End: "instruction-limit" }) e.WriteLine("cloak: stopped by            --max-instructions");
        if (s.Conclusion is { Interrupted: true }) e.WriteLine("cloak: stopped by            an interruption (the counts are up to that point)");
        if (s.Mode == "os")
        {
            e.WriteLine(string.Create(c, $"cloak: context switches      {s.ContextSwitches}"));
            e.WriteLine(string.Create(c, $"cloak: timer interrupts      {s.TimerInterrupts}"));
            e.WriteLine(string.Create(c, $"cloak: syscalls              {s.Syscalls}"));
            e.WriteLine(string.Create(c, $"cloak: page faults           {s.PageFaults}"));
            e.WriteLine(string.Create(c, $"cloak: swap outs / ins       {s.SwapOuts} / {s.SwapIns}"));
        }
        else
        {
            e.WriteLine(string.Create(c, $"cloak: traps taken           {s.TrapsTaken}"));
            e.WriteLine(string.Create(c, $"cloak: page walks            {s.PageWalks}"));
            e.WriteLine(string.Create(c, $"cloak: decoded code pages    {s.DecodedPages}"));
        }
        var chip = s.Chip;
        if (chip.ContextSeals + chip.LinesDecrypted + chip.TrpInstructions == 0) return;
        var cycles = s.CycleBreakdown;
        e.WriteLine(string.Create(c, $"cloak: protection cycles     {cycles.Decrypt + cycles.Encrypt + cycles.Mac + cycles.Tree + cycles.Context} (decrypt {cycles.Decrypt}, encrypt {cycles.Encrypt}, MAC {cycles.Mac}, tree {cycles.Tree}, context {cycles.Context}; part of the simulated cycles)"));
        e.WriteLine(string.Create(c, $"cloak: lines decrypted       {chip.LinesDecrypted} ({chip.LinesDecrypted * 64} bytes)"));
        e.WriteLine(string.Create(c, $"cloak: lines encrypted       {chip.LinesEncrypted} ({chip.LinesEncrypted * 64} bytes)"));
        e.WriteLine(string.Create(c, $"cloak: MAC checks / failures {chip.MacChecks} / {chip.MacFailures}"));
        e.WriteLine(string.Create(c, $"cloak: data cache hits/miss  {chip.DataCacheHits} / {chip.DataCacheMisses} ({chip.DataCacheWriteBacks} write-backs)"));
        e.WriteLine(string.Create(c, $"cloak: icache misses         {chip.InstructionCacheMisses}"));
        e.WriteLine(string.Create(c, $"cloak: EAR lookups           {chip.EarLookups}"));
        e.WriteLine(string.Create(c, $"cloak: TRP instructions      {chip.TrpInstructions}"));
        e.WriteLine(string.Create(c, $"cloak: contexts sealed/resumed {chip.ContextSeals} / {chip.ContextUnseals}"));
        e.WriteLine(string.Create(c, $"cloak: bus lines read/written {chip.BusLinesRead} / {chip.BusLinesWritten}"));
        if (s.Regions.Count > 0) e.WriteLine(string.Create(c, $"cloak: protected regions     {s.Regions.Count} (per-region traffic: --stats-json)"));
    }
}
