using System.Text;
using Cloak.Chip.Security;
using Cloak.Observation;
using Cloak.Observation.Report;

namespace Cloak.Tests.Observation;

/// <summary>
/// The HTML report's own rules, without a browser: what a guest or the OS wrote stays text (a hostile
/// guest names its channels and notes), and the event store is bounded and says what it dropped.
/// </summary>
public class ReportHtmlTests
{
    public const string Hostile = "<script>alert('pwned')</script>";
    public const string HostileAttribute = "\"><img src=x onerror=alert(1)>";

    private static RunEvent Event(ulong ns, EventCategory category, string kind, int pid, string? process, params (string Key, object? Value)[] fields) =>
        new(ns * 10, ns, category, kind, pid, process, [.. fields.Select(f => new KeyValuePair<string, object?>(f.Key, f.Value))]);

    /// <summary>A run whose guests chose their names, notes and channels to attack the report's reader.</summary>
    public static IReadOnlyList<RunEvent> HostileRun() =>
    [
        Event(0, EventCategory.Process, "start", 1, Hostile, ("sealed", true), ("parent", 0)),
        Event(0, EventCategory.Process, "start", 2, "client", ("sealed", false), ("parent", 0)),
        Event(10, EventCategory.Protocol, "note", 1, Hostile, ("topic", Hostile), ("text", HostileAttribute + Hostile)),
        Event(20, EventCategory.Channel, "message", 1, Hostile, ("channel", HostileAttribute), ("to", 2), ("length", 12), ("dropped", false)),
        Event(30, EventCategory.Adversary, "action", 2, "client", ("adversary", Hostile), ("action", Hostile)),
        Event(40, EventCategory.Ear, "ear-add", 1, Hostile, ("context", 1u), ("start", "0x10000"), ("length", 4096UL), ("region", 7u), ("kind", "shared"),
            ("permissions", "rw-"), ("key_context", 3), ("instance", 0u)),
        Event(50, EventCategory.Process, "exit", 2, "client", ("exit_code", 137), ("kill_reason", Hostile)),
        Event(60, EventCategory.Process, "exit", 1, Hostile, ("exit_code", 0), ("kill_reason", null)),
    ];

    public static string Render(IReadOnlyList<RunEvent> events, string title = "cloak run hostile.elf")
    {
        using var stream = new MemoryStream();
        var report = new HtmlReport(stream) { Title = title, Subtitle = Hostile };
        foreach (var e in events) report.Write(e);
        report.Complete(new RunStatistics
        {
            Mode = "os",
            Configuration = new Dictionary<string, object?> { ["kernel"] = new Dictionary<string, object?> { ["note"] = Hostile } },
            Latency = new CryptoLatency(),
        });
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void A_hostile_guests_names_notes_and_channels_cannot_put_markup_into_the_report()
    {
        string html = Render(HostileRun(), Hostile);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=alert", html.Replace("onerror=alert(1)&gt;", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        // Even markup that slipped through could neither run nor load: the page forbids both.
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_keeps_at_most_200000_events_and_says_how_many_it_dropped()
    {
        using var stream = new MemoryStream();
        var report = new HtmlReport(stream);
        var note = Event(1, EventCategory.Protocol, "note", 1, "owner", ("topic", "claim 1(a)"), ("text", "a step"));
        for (int i = 0; i < HtmlReport.MaxEvents + 5; i++) report.Write(note);

        Assert.Equal(HtmlReport.MaxEvents, report.Events.Count);
        Assert.Equal(5, report.Dropped);
        report.Complete(new RunStatistics { Mode = "os", Configuration = new Dictionary<string, object?>(), Latency = new CryptoLatency() });
        string html = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("5 dropped", html, StringComparison.Ordinal);
        Assert.Contains($"The diagram shows the first {SequenceDiagramRows} of", html, StringComparison.Ordinal);
    }

    private static string SequenceDiagramRows => "1,500";
}
