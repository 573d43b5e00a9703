using System.CommandLine;
using Cloak.Observation;
using Cloak.Observation.Report;
using Cloak.Os;

namespace Cloak.Cli.Commands;

/// <summary>
/// <c>--report FILE.html</c> and the inspector's <c>--inspect-at</c> / <c>--inspect</c>, shared by
/// <c>run</c> and <c>demo</c> (issue 9, items 7 and 8). As with the other instruments, the report file
/// is opened before the run, so a path that cannot be written fails at once (exit 66).
/// </summary>
internal sealed class ReportOptions
{
    public Option<string?> Report { get; } = new("--report")
    {
        Description = "Write a self-contained HTML report (no network, no scripts): outcome, the protocol as a sequence diagram, each process's memory map, what each side sees, statistics with charts, the machine.",
        HelpName = "FILE.html",
    };

    public Option<string[]> InspectAt { get; } = new("--inspect-at")
    {
        Description = "OS model: when the inspector looks: the first time a guest announces a protocol step (\"claim 8(e)\", or \"8(e)\"), or after instruction N (at the end of that run slice). Repeatable.",
        HelpName = "STEP|INSTRUCTION",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string[]> Inspect { get; } = new("--inspect")
    {
        Description = "OS model: what the inspector shows (plaintext beside DRAM, key context, counters and MACs): a process by pid or name, and an address range or a region kind (private, hidden, shared, notification); e.g. owner:shared, client:notification+64, 2:0x1fffde3000+128. Repeatable.",
        HelpName = "PROCESS[:ADDRESS|KIND][+LENGTH]",
        Arity = ArgumentArity.OneOrMore,
    };

    public IEnumerable<Option> All => [Report, InspectAt, Inspect];

    /// <summary>Reads and checks the options (bad syntax is a usage error, exit 2).</summary>
    public ReportRequest Read(ParseResult parse)
    {
        var points = new List<InspectionPoint>();
        var targets = new List<InspectionTarget>();
        try
        {
            foreach (string text in parse.GetValue(InspectAt) ?? []) points.Add(InspectionPoint.Parse(text));
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--inspect-at: {e.Message}");
        }
        try
        {
            foreach (string text in parse.GetValue(Inspect) ?? []) targets.Add(InspectionTarget.Parse(text));
        }
        catch (FormatException e)
        {
            throw new CliError(ExitCodes.Usage, $"--inspect: {e.Message}");
        }
        if (points.Count > 0 && targets.Count == 0) throw new CliError(ExitCodes.Usage, "--inspect-at needs --inspect PROCESS[:ADDRESS|KIND] to say what to look at");
        if (targets.Count > 0 && points.Count == 0) throw new CliError(ExitCodes.Usage, "--inspect needs --inspect-at STEP|INSTRUCTION to say when to look");
        return new ReportRequest(parse.GetValue(Report), points, targets);
    }
}

/// <summary>What the user asked of the report and the inspector.</summary>
internal sealed record ReportRequest(string? Report, IReadOnlyList<InspectionPoint> Points, IReadOnlyList<InspectionTarget> Targets)
{
    /// <summary>A report needs a recorder on the machine.</summary>
    public bool NeedsRecorder => Report is not null;

    public bool Inspecting => Points.Count > 0;

    /// <summary>The inspector needs processes: a bare-metal run refuses it.</summary>
    public void RequireOsModel()
    {
        if (Inspecting) throw new CliError(ExitCodes.Usage, "--inspect-at and --inspect look at user processes: they need the OS model (a program linked with libcloak)");
    }
}

/// <summary>The report file and the inspector of one run, and how to finish them.</summary>
internal sealed class ReportSession : IDisposable
{
    private readonly ReportRequest _request;
    private readonly FileStream? _file;
    private readonly List<string> _failures = [];

    private ReportSession(ReportRequest request)
    {
        _request = request;
        _file = request.Report is null ? null : Instruments.OpenOutput(request.Report, "--report");
        Report = _file is null ? null : new HtmlReport(_file);
    }

    /// <summary>Opens the report file (so a bad path fails before the run).</summary>
    public static ReportSession Open(ReportRequest request) => new(request);

    /// <summary>The report being gathered (null without --report): set its title, subtitle and views.</summary>
    public HtmlReport? Report { get; }

    public RunInspector? Inspector { get; private set; }

    /// <summary>Attaches the report to the run's recorder and, under the OS model, the inspector to the machine.</summary>
    public void Attach(RunRecorder? recorder, OsMachine? machine)
    {
        if (machine is not null && _request.Inspecting) Inspector = RunInspector.Attach(machine, _request.Points, _request.Targets);
        if (Report is null || recorder is null) return;
        if (Inspector is { } inspector)
        {
            Report.Inspections = () => inspector.Snapshots;
            Report.UnreachedInspections = () => inspector.Unreached;
        }
        recorder.AddSink(new Guarded(Report, _failures));
    }

    /// <summary>Prints the inspector's snapshots (and points never reached) to <paramref name="output"/>.</summary>
    public void PrintInspections(TextWriter output)
    {
        if (Inspector is not { } inspector) return;
        foreach (var snapshot in inspector.Snapshots) InspectionText.Write(output, snapshot);
        foreach (var point in inspector.Unreached) output.WriteLine($"Inspector at {point}: the run never reached it");
        output.Flush();
    }

    /// <summary>After the recorder completed (which wrote the report): the outputs that failed to write.</summary>
    public IReadOnlyList<string> Finish()
    {
        if (_file is not null && _failures.Count == 0)
        {
            try
            {
                _file.Flush();
            }
            catch (IOException e)
            {
                _failures.Add($"--report: writing '{_request.Report}' failed: {e.Message}");
            }
        }
        return _failures;
    }

    public void Dispose()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // Reported by Finish already (a full disk, say); closing must not turn into a crash.
        }
    }

    /// <summary>Turns a failure to write the report into a message instead of an end of the run.</summary>
    private sealed class Guarded(HtmlReport inner, List<string> failures) : IRunEventSink
    {
        public IReadOnlySet<EventCategory> Categories => inner.Categories;

        public void Write(RunEvent e) => inner.Write(e);

        public void Complete(RunStatistics statistics)
        {
            try
            {
                inner.Complete(statistics);
            }
            catch (IOException x)
            {
                failures.Add($"--report: writing failed: {x.Message}");
            }
        }
    }
}
