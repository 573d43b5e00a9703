using System.Text.Json;
using Cloak.Tests.Cli;
using Cloak.Tests.Support;
using OpenQA.Selenium;

namespace Cloak.Tests.Observation;

/// <summary>One real <c>cloak demo</c> run with a report, and a Chromium to look at it.</summary>
public sealed class DemoReportFixture : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Lazy<Chromium> _browser = new(() => new Chromium());

    public DemoReportFixture()
    {
        ReportPath = _directory.File("demo.html");
        EventsPath = _directory.File("demo.jsonl");
        Run = CliRunner.RunAsync(TimeSpan.FromSeconds(120), "demo", "m4", "--auth", "--attack", "snoop", "--report", ReportPath, "--events", EventsPath,
            "--events-filter", "process,channel,protocol", "--inspect-at", "claim 8(e)", "--inspect", "owner:notification+64").GetAwaiter().GetResult();
        HostilePath = _directory.Write("hostile.html", System.Text.Encoding.UTF8.GetBytes(ReportHtmlTests.Render(ReportHtmlTests.HostileRun(), ReportHtmlTests.Hostile)));
    }

    internal ProcessResult Run { get; }
    public string ReportPath { get; }
    public string EventsPath { get; }
    public string HostilePath { get; }

    /// <summary>The browser, started on first use (a missing Debian package fails the test that asks, naming it).</summary>
    internal Chromium Browser => _browser.Value;

    /// <summary>The run's events, one JSON object per line (the header line first).</summary>
    public IReadOnlyList<JsonElement> Events() =>
        [.. File.ReadAllLines(EventsPath).Skip(1).Select(line => JsonDocument.Parse(line).RootElement)];

    public void Dispose()
    {
        if (_browser.IsValueCreated) _browser.Value.Dispose();
        _directory.Dispose();
    }
}

/// <summary>
/// The HTML report in a real browser (issue 9, item 8): Debian's headless Chromium loads the report a
/// real <c>cloak demo</c> wrote, with no console errors, every section, the sequence diagram (a lifeline
/// per process and the OS, an arrow per channel message of the run), and nothing loaded from anywhere.
/// </summary>
public class ReportBrowserTests(DemoReportFixture fixture) : IClassFixture<DemoReportFixture>
{
    private static readonly string[] Sections = ["outcome", "protocol", "memory", "views", "statistics", "machine"];

    private Chromium Load(string path)
    {
        CliAssert.ExitCode(0, fixture.Run);
        var browser = fixture.Browser;
        browser.ConsoleLog(); // start from an empty log
        browser.Open(path);
        return browser;
    }

    [Fact]
    public void The_demo_report_loads_in_Chromium_without_console_errors()
    {
        var browser = Load(fixture.ReportPath);

        Assert.Equal("Cloak demo: M4", browser.Driver.Title);
        var problems = browser.ConsoleLog().Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level}: {e.Message}").ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_report_has_every_section_the_verdict_and_a_sequence_diagram_with_an_arrow_per_message()
    {
        var browser = Load(fixture.ReportPath);
        var events = fixture.Events();
        int processes = events.Count(e => e.GetProperty("cat").GetString() == "process" && e.GetProperty("kind").GetString() == "start");
        int messages = events.Count(e => e.GetProperty("cat").GetString() == "channel");

        foreach (string id in Sections) Assert.True(browser.Driver.FindElements(By.Id(id)).Count == 1, $"section #{id} is missing");
        Assert.Equal("shared correctly", browser.Driver.FindElement(By.Id("verdict-badge")).Text);
        var diagram = browser.Driver.FindElement(By.CssSelector("#protocol svg.sequence"));
        Assert.Equal(processes + 1, diagram.FindElements(By.CssSelector("line.lifeline")).Count);
        Assert.Single(diagram.FindElements(By.CssSelector("line.lifeline.os")));
        Assert.True(messages > 0);
        var arrows = diagram.FindElements(By.CssSelector("g.message"));
        Assert.Equal(messages, arrows.Count);
        Assert.All(arrows, a => Assert.NotEmpty(a.FindElements(By.CssSelector("line[marker-end]"))));
        Assert.NotEmpty(diagram.FindElements(By.CssSelector("g.step")));
        // The inspector's hexdumps and the demo's views: plaintext beside DRAM.
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#views .hexpair .plain pre")));
        Assert.Contains("At step \"claim 8(e)\"", browser.Driver.FindElement(By.Id("views")).Text, StringComparison.Ordinal);
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#statistics svg.chart.cycles rect")));
    }

    [Fact]
    public void Nothing_in_the_report_loads_from_the_network()
    {
        var browser = Load(fixture.ReportPath);

        Assert.Equal(0L, Convert.ToInt64(browser.Script("return performance.getEntriesByType('resource').length;"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script, link, iframe, object, embed, img, video, audio, source, image, use")));
        var references = (IReadOnlyCollection<object>)browser.Script(
            "return Array.from(document.querySelectorAll('[src],[href],[srcset],[xlink\\\\:href],[style]')).map(e => (e.getAttribute('src')||'') + ' ' + (e.getAttribute('href')||'') + ' ' + (e.getAttribute('style')||''));")!;
        Assert.All(references.Cast<string>(), r => Assert.DoesNotMatch(@"(https?:|//|url\()", r.Replace("url(#", "", StringComparison.Ordinal)));
        Assert.DoesNotContain("@import", File.ReadAllText(fixture.ReportPath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_guests_text_stays_text_in_the_browser()
    {
        var browser = Load(fixture.HostilePath);

        Assert.Empty(browser.Driver.FindElements(By.CssSelector("script, img")));
        Assert.Contains(ReportHtmlTests.Hostile, browser.Driver.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);
        string diagram = browser.Driver.FindElement(By.Id("protocol")).Text;
        Assert.Contains(ReportHtmlTests.Hostile, diagram, StringComparison.Ordinal);
        Assert.Contains(ReportHtmlTests.HostileAttribute, diagram, StringComparison.Ordinal);
        var problems = browser.ConsoleLog().Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
