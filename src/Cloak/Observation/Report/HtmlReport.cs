using Cloak.Demo;

namespace Cloak.Observation.Report;

/// <summary>
/// <c>--report FILE.html</c>: keeps the events a report draws (processes, channel messages, protocol
/// steps, adversary actions, EAR changes, integrity faults, refused contexts; at most
/// <see cref="MaxEvents"/>, counting the rest) and, when the run completes, writes one self-contained
/// HTML page (<see cref="ReportPage"/>): no network, no script, inline CSS and SVG only.
/// Everything a guest or the OS chose (process and channel names, notes, kill reasons, adversary
/// descriptions) is HTML-encoded: a hostile guest must not be able to put markup into the page.
/// </summary>
public sealed class HtmlReport : IRunEventSink
{
    public const int MaxEvents = 200_000;

    private readonly Stream _output;
    private readonly List<RunEvent> _events = [];

    public HtmlReport(Stream output) => _output = output;

    public IReadOnlySet<EventCategory> Categories { get; } = new HashSet<EventCategory>
    {
        EventCategory.Process, EventCategory.Channel, EventCategory.Protocol, EventCategory.Adversary, EventCategory.Ear,
        EventCategory.Integrity, EventCategory.Context,
    };

    /// <summary>The page's title ("Cloak demo: M4 ...", "cloak run a.elf").</summary>
    public string Title { get; set; } = "Cloak run";

    /// <summary>One line under the title: the setting (clients, attack, memory mode).</summary>
    public string? Subtitle { get; set; }

    /// <summary>The demo's views: what a process read beside what DRAM held there.</summary>
    public IReadOnlyList<SideBySide> Views { get; set; } = [];

    /// <summary>Bytes to highlight in the views and hexdumps (the demo's marker plaintext).</summary>
    public byte[]? Marker { get; set; }

    /// <summary>The inspector's snapshots, read when the page is written.</summary>
    public Func<IReadOnlyList<InspectionSnapshot>>? Inspections { get; set; }

    /// <summary>Inspection points the run never reached.</summary>
    public Func<IReadOnlyList<InspectionPoint>>? UnreachedInspections { get; set; }

    /// <summary>Events kept, and events not kept because <see cref="MaxEvents"/> were already.</summary>
    public IReadOnlyList<RunEvent> Events => _events;
    public long Dropped { get; private set; }

    public void Write(RunEvent e)
    {
        // One seal and one resume per run slice: only refusals belong in a report.
        if (e.Category == EventCategory.Context && e.Kind != "refuse") return;
        if (_events.Count >= MaxEvents)
        {
            Dropped++;
            return;
        }
        _events.Add(e);
    }

    public void Complete(RunStatistics statistics)
    {
        var page = new ReportPage(this, statistics, Inspections?.Invoke() ?? [], UnreachedInspections?.Invoke() ?? []);
        using var writer = new StreamWriter(_output, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(page.Render());
        writer.Flush();
    }
}
