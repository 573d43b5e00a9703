using System.Globalization;
using System.Text;
using Cloak.Chip;
using static Cloak.Observation.Report.Html;

namespace Cloak.Observation.Report;

/// <summary>
/// Lays out the report: outcome, protocol (sequence diagram), memory (EAR entries per process and
/// over time, protected regions), what each side sees (the demo's views, the inspector's hexdumps),
/// statistics with charts, and the machine's configuration.
/// </summary>
internal sealed class ReportPage(HtmlReport report, RunStatistics s, IReadOnlyList<InspectionSnapshot> inspections, IReadOnlyList<InspectionPoint> unreached)
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private readonly StringBuilder _h = new(1 << 16);

    public string Render()
    {
        var (verdictCss, verdictText) = Verdict();
        _h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        _h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // Nothing may load: no network, no script (a hostile guest's text is encoded, and even markup that slipped through could not run).
        _h.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        _h.Append("<meta name=\"generator\" content=\"cloak\">");
        _h.Append(C, $"<title>{E(report.Title)}</title><style>{ReportStyle.Css}</style></head><body>");
        _h.Append("<header class=\"top\"><div class=\"wrap\"><div class=\"kicker\">Cloak report \u00b7 ").Append(s.Mode == "os" ? "user processes under the OS model" : "bare-metal program").Append("</div>");
        _h.Append(C, $"<h1>{E(report.Title)}</h1>");
        if (report.Subtitle is not null) _h.Append(C, $"<p class=\"sub\">{E(report.Subtitle)}</p>");
        _h.Append(C, $"<div class=\"badge {verdictCss}\" id=\"verdict-badge\">{E(verdictText)}</div></div></header>");
        _h.Append("<nav class=\"toc\"><div class=\"wrap\"><a href=\"#outcome\">Outcome</a><a href=\"#protocol\">Protocol</a><a href=\"#memory\">Memory map</a>");
        _h.Append("<a href=\"#views\">What each side sees</a><a href=\"#statistics\">Statistics</a><a href=\"#machine\">Machine</a></div></nav><main class=\"wrap\">");
        Outcome(verdictCss);
        Protocol();
        Memory();
        Views();
        Statistics();
        Machine();
        _h.Append("</main><footer>Written by <code>cloak</code>: one self-contained page (no network, no scripts). ");
        _h.Append(C, $"{N(report.Events.Count)} events kept");
        if (report.Dropped > 0) _h.Append(C, $", <span class=\"bad-text\">{N(report.Dropped)} dropped</span> (a report keeps at most {N(HtmlReport.MaxEvents)})");
        _h.Append(C, $". Statistics schema {RunStatistics.Schema}.</footer></body></html>\n");
        return _h.ToString();
    }

    private (string Css, string Text) Verdict()
    {
        var c = s.Conclusion;
        if (c?.Verdict is { } verdict)
            return (verdict switch { "shared correctly" or "attack detected" => "ok", "attack succeeded" => "bad", _ => "warn" }, verdict);
        if (c is null) return ("warn", "no outcome");
        if (c.Interrupted) return ("warn", "interrupted");
        return c.ExitCode == 0 ? ("ok", "exit status 0") : ("bad", string.Create(C, $"exit status {c.ExitCode} ({c.End})"));
    }

    private void Outcome(string verdictCss)
    {
        var c = s.Conclusion;
        _h.Append("<section id=\"outcome\"><h2>Outcome</h2>");
        if (c?.Verdict is { } verdict)
        {
            _h.Append(C, $"<div class=\"verdict {verdictCss}\"><strong>Verdict: {E(verdict)}</strong>{E(c.Explanation)}</div>");
        }
        else if (c is not null)
        {
            _h.Append(C, $"<div class=\"verdict {verdictCss}\"><strong>{E(c.End)}: exit status {c.ExitCode}</strong>{E(c.Message ?? (c.ExitCode == 0 ? "The run ended normally." : ""))}</div>");
        }
        ulong messages = s.Processes.Values.Aggregate(0UL, (sum, p) => sum + p.MessagesSent);
        ulong notes = s.Processes.Values.Aggregate(0UL, (sum, p) => sum + p.Notes);
        _h.Append("<div class=\"figures\">");
        if (s.Mode == "os") Figure(N(s.Processes.Count), "processes");
        Figure(N(s.Instructions), "instructions");
        Figure(Time((ulong)((UInt128)s.Cycles * 1_000_000_000 / Math.Max(1UL, ClockHz()))), "simulated time");
        Figure(F(c?.HostTime.TotalSeconds ?? 0, 2) + " s", "host time");
        if (s.Mode == "os")
        {
            Figure(N(messages), "channel messages");
            Figure(N(notes), "protocol steps announced");
        }
        Figure(N(s.AdversaryActions), "adversary actions");
        Figure(N(s.Chip.IntegrityFaults), "integrity faults");
        _h.Append("</div>");
        if (s.Processes.Count > 0)
        {
            _h.Append("<table class=\"processes\"><thead><tr><th class=\"num\">pid</th><th>process</th><th>image</th><th class=\"num\">exit</th><th>how it ended</th>");
            _h.Append("<th class=\"num\">instructions</th><th class=\"num\">messages sent</th><th class=\"num\">steps announced</th></tr></thead><tbody>");
            foreach (var p in s.Processes.Values)
            {
                string ended = p.KillReason is { } reason ? $"<span class=\"bad-text\">killed: {E(reason)}</span>" : p.ExitCode is null ? "still running" : "exited";
                _h.Append(C, $"<tr><td class=\"num\">{p.Pid}</td><td><strong>{E(p.Name)}</strong></td><td>{(p.Sealed ? "sealed" : "plain")}{(p.Debuggable ? " (debuggable)" : "")}{(p.Protected ? ", ran protected" : "")}</td>");
                _h.Append(C, $"<td class=\"num\">{(p.ExitCode is { } code ? code.ToString(C) : "\u2013")}</td><td>{ended}</td><td class=\"num\">{N(p.Chip.Instructions)}</td>");
                _h.Append(C, $"<td class=\"num\">{N(p.MessagesSent)}</td><td class=\"num\">{N(p.Notes)}</td></tr>");
            }
            _h.Append("</tbody></table>");
        }
        _h.Append("</section>");
    }

    private ulong ClockHz() => s.Configuration.TryGetValue("chip", out var chip) && chip is IReadOnlyDictionary<string, object?> map &&
        map.TryGetValue("hart", out var hart) && hart is IReadOnlyDictionary<string, object?> h && h.TryGetValue("cycles_per_timer_tick", out var t) && t is not null
        ? 10_000_000UL * Convert.ToUInt64(t, C) : 100_000_000UL;

    private void Figure(string value, string key) => _h.Append(C, $"<div class=\"figure\"><div class=\"v\">{E(value)}</div><div class=\"k\">{E(key)}</div></div>");

    private void Protocol()
    {
        _h.Append("<section id=\"protocol\"><h2>Protocol: who said what to whom</h2>");
        var diagram = new SequenceDiagram(report.Events);
        if (!diagram.HasProcesses)
        {
            _h.Append("<p class=\"lead\">A bare-metal run has one program and no OS: no messages, no protocol steps, nothing to relay.</p></section>");
            return;
        }
        _h.Append("<p class=\"lead\">One row per event, in the order of simulated time (not to scale). Each process has a lifeline; the OS stands in the middle because every message passes through it. ");
        _h.Append("Boxes are the protocol steps each process announced (claim numbers refer to the patent, <code>docs/claims.md</code>); arrows are channel messages, labelled with the channel and the length (the OS sees the bytes, the report shows none). ");
        _h.Append("Red marks what the adversary did and where the chip or the protocol stopped something.</p>");
        if (report.Dropped > 0)
            _h.Append(C, $"<p class=\"note bad-text\">The report kept the first {N(HtmlReport.MaxEvents)} events and dropped {N(report.Dropped)}: the diagram ends early.</p>");
        if (diagram.TotalRows > diagram.Rows)
            _h.Append(C, $"<p class=\"note\">The diagram shows the first {N(diagram.Rows)} of {N(diagram.TotalRows)} rows.</p>");
        _h.Append("<div class=\"scroll\">").Append(diagram.Render()).Append("</div></section>");
    }

    private sealed record EarEntry(int Pid, string Process, ulong Start, ulong Length, string Kind, uint Region, int KeyContext, string Rights, ulong Added)
    {
        public string? AddedAt { get; set; }
        public ulong? Removed { get; set; }
        public string? RemovedAt { get; set; }
    }

    private void Memory()
    {
        _h.Append("<section id=\"memory\"><h2>Memory map: protected regions per process</h2>");
        _h.Append("<p class=\"lead\">Each process's encrypted attribute registers (EAR): which virtual range is protected, by which region and key context (a slot of the chip's key table, never the key), with which rights, from when to when. ");
        _h.Append("Only the chip holds these entries; the OS sees the pages, never the keys.</p>");
        var entries = new List<EarEntry>();
        // Guests announce a step after doing it: an EAR change belongs to the next step its process announces.
        var awaitingStep = new Dictionary<int, List<Action<string>>>();
        var exits = new Dictionary<int, ulong>();
        ulong end = 0;
        foreach (var e in report.Events)
        {
            end = Math.Max(end, e.Nanoseconds);
            if (e.Category == EventCategory.Protocol && awaitingStep.Remove(e.Pid, out var waiting))
                foreach (var name in waiting) name(e["topic"] as string ?? "");
            if (e is { Category: EventCategory.Process, Kind: "exit" }) exits[e.Pid] = e.Nanoseconds;
            if (e.Category != EventCategory.Ear) continue;
            if (!awaitingStep.TryGetValue(e.Pid, out var pending)) awaitingStep[e.Pid] = pending = [];
            ulong start = Convert.ToUInt64(((string)e["start"]!)[2..], 16);
            if (e.Kind == "ear-add")
            {
                var added = new EarEntry(e.Pid, e.Process ?? "", start, Convert.ToUInt64(e["length"], C), e["kind"] as string ?? "", Convert.ToUInt32(e["region"], C),
                    Convert.ToInt32(e["key_context"], C), e["permissions"] as string ?? "", e.Nanoseconds);
                entries.Add(added);
                pending.Add(step => added.AddedAt = step);
            }
            else if (entries.LastOrDefault(x => x.Pid == e.Pid && x.Start == start && x.Removed is null) is { } open)
            {
                open.Removed = e.Nanoseconds;
                pending.Add(step => open.RemovedAt = step);
            }
        }
        if (entries.Count == 0)
            _h.Append("<p class=\"note\">No EAR entries: nothing in this run was protected (a plain chip, or only plain programs).</p>");
        foreach (var group in entries.GroupBy(x => x.Pid).OrderBy(g => g.Key))
        {
            var first = group.First();
            _h.Append(C, $"<h3>{E(first.Process)} <span class=\"note\">(pid {first.Pid})</span></h3>");
            _h.Append("<table class=\"ear\"><thead><tr><th>kind</th><th>virtual range</th><th class=\"num\">size</th><th>region id</th><th class=\"num\">key context</th><th>rights</th><th>set</th><th>cleared</th></tr></thead><tbody>");
            foreach (var x in group)
            {
                _h.Append(C, $"<tr><td><span class=\"kind {E(x.Kind)}\">{E(x.Kind)}</span></td><td class=\"mono\">{Hex(x.Start)}\u2013{Hex(x.Start + x.Length - 1)}</td><td class=\"num\">{Bytes(x.Length)}</td>");
                _h.Append(C, $"<td class=\"mono\">0x{x.Region:x8}</td><td class=\"num\">{x.KeyContext}</td><td class=\"mono\">{E(x.Rights)}</td>");
                _h.Append(C, $"<td>{E(Time(x.Added))}{(x.AddedAt is { Length: > 0 } a ? $"<br><span class=\"note\">in {E(a)}</span>" : "")}</td>");
                _h.Append(C, $"<td>{(x.Removed is { } r ? E(Time(r)) + (x.RemovedAt is { Length: > 0 } b ? $"<br><span class=\"note\">in {E(b)}</span>" : "") : exits.TryGetValue(x.Pid, out ulong gone) ? $"at exit ({E(Time(gone))})" : "kept to the end")}</td></tr>");
            }
            _h.Append("</tbody></table>");
            _h.Append(Charts.EarTimeline([.. group.Select(x => ($"{x.Kind} {Hex(x.Start)}", "k-" + x.Kind, x.Added, x.Removed ?? exits.GetValueOrDefault(x.Pid, end),
                $"{x.Kind} region 0x{x.Region:x8} at {Hex(x.Start)}, {Bytes(x.Length)}, key context {x.KeyContext}: {Time(x.Added)} to {Time(x.Removed ?? exits.GetValueOrDefault(x.Pid, end))}"))], end));
        }
        if (s.Regions.Count > 0)
        {
            _h.Append("<h3>Protected regions and the traffic each caused</h3><table class=\"regions\"><thead><tr><th>kind</th><th>region id</th><th class=\"num\">key context</th><th>used by</th>");
            _h.Append("<th class=\"num\">lines decrypted</th><th class=\"num\">lines encrypted</th><th class=\"num\">MAC checks</th><th class=\"num\">MAC failures</th></tr></thead><tbody>");
            foreach (var r in s.Regions.Values.OrderBy(r => r.Kind).ThenBy(r => r.RegionId))
            {
                string kind = r.Kind is { } k ? Names.Kebab(k.ToString()) : "unknown";
                string users = string.Join(", ", r.Processes.Select(pid => s.Processes.TryGetValue(pid, out var p) ? $"{p.Name} {pid}" : $"pid {pid}"));
                var t = r.Traffic;
                _h.Append(C, $"<tr><td><span class=\"kind {E(kind)}\">{E(kind)}</span></td><td class=\"mono\">0x{r.RegionId:x8}{(r.Instance != 0 ? $" #{r.Instance}" : "")}</td><td class=\"num\">{r.KeyContext}</td><td>{E(users)}</td>");
                _h.Append(C, $"<td class=\"num\">{N(t?.LinesDecrypted ?? 0)}</td><td class=\"num\">{N(t?.LinesEncrypted ?? 0)}</td><td class=\"num\">{N(t?.MacChecks ?? 0)}</td>");
                _h.Append(C, $"<td class=\"num{((t?.MacFailures ?? 0) > 0 ? " bad-text" : "")}\">{N(t?.MacFailures ?? 0)}</td></tr>");
            }
            _h.Append("</tbody></table>");
        }
        _h.Append("</section>");
    }

    private void Views()
    {
        _h.Append("<section id=\"views\"><h2>What each side sees</h2>");
        _h.Append("<p class=\"lead\">The same bytes from both sides of the chip boundary: on the left what the process reads (plaintext, which exists only inside the chip), on the right what DRAM holds at the same place: all the OS, the bus and every attacker can see.</p>");
        bool any = false;
        foreach (var v in report.Views)
        {
            any = true;
            _h.Append(C, $"<h3>{E(v.Who)} <span class=\"note\">reads virtual {Hex(v.VirtualAddress)}; DRAM {Hex(v.PhysicalAddress)}</span></h3>");
            bool leak = report.Marker is { } m && v.DramView.AsSpan().IndexOf(m) >= 0;
            if (leak) _h.Append("<p class=\"bad-text\">The plaintext marker appears in DRAM: the OS can read it.</p>");
            HexPair(v.ProcessView, v.DramView, "what the process reads", "what the OS sees in DRAM", showLeft: true);
        }
        if (inspections.Count > 0 || unreached.Count > 0)
        {
            any = true;
            _h.Append("<h3 id=\"inspector\">Inspector</h3><p class=\"note\">Read by the simulator's inspector (<code>--inspect-at</code>, <code>--inspect</code>): a host power that opens a process's sealed context with the chip's own key. ");
            _h.Append("No OS or attacker has it; a real chip has no such door (<code>docs/threat-model.md</code>, \u201cThe inspector\u201d).</p>");
        }
        foreach (var snapshot in inspections) Inspection(snapshot);
        foreach (var point in unreached) _h.Append(C, $"<p class=\"note bad-text\">--inspect-at {E(point.ToString())}: the run never reached it.</p>");
        if (!any) _h.Append("<p class=\"note\">Nothing to show: a demo run shows its views here, and any run shows the inspector's hexdumps with <code>--inspect-at POINT --inspect PROCESS:REGION</code>.</p>");
        _h.Append("</section>");
    }

    private void Inspection(InspectionSnapshot snapshot)
    {
        _h.Append(C, $"<h3>At {E(snapshot.Point.ToString())}</h3><p class=\"note\">{E(snapshot.Moment)} \u2014 instruction {N(snapshot.Instructions)}, simulated time {E(Time(snapshot.Nanoseconds))}.</p>");
        foreach (var p in snapshot.Processes)
        {
            if (p.Inspection is not { } inspection)
            {
                _h.Append(C, $"<p class=\"note\">{E(p.Target.ToString())}: {E(p.Problem)}</p>");
                continue;
            }
            _h.Append(C, $"<h4>{E(p.Name)} (pid {p.Pid})</h4>");
            if (inspection.Refusal != Platform.ContextRefusal.None)
            {
                _h.Append(C, $"<p class=\"bad-text\">Its saved context does not open ({E(InspectionText.Describe(inspection.Refusal))}): the chip would refuse to resume it, and the inspector shows nothing.</p>");
                continue;
            }
            if (p.Problem is not null) _h.Append(C, $"<p class=\"note\">{E(p.Problem)}</p>");
            InspectedRegion? region = null;
            foreach (var line in inspection.Lines)
            {
                if (line.Region is { } r && r != region)
                {
                    region = r;
                    string kind = Names.Kebab(r.Kind.ToString());
                    _h.Append(C, $"<p class=\"region\"><span class=\"kind {E(kind)}\">{E(kind)}</span> <span class=\"mono\">{E(InspectionText.RegionText(r))}</span></p>");
                }
                bool bad = InspectionText.Suspicious(line);
                _h.Append(C, $"<div class=\"lineinfo{(bad ? " bad-text" : "")}\">{E(InspectionText.LineText(line))}");
                if (InspectionText.IntegrityText(line) is { } integrity) _h.Append(C, $"<br>{E(integrity)}");
                _h.Append("</div>");
                if (line.DramView.Length > 0)
                    HexPair(line.ProcessView, line.DramView, "process view (plaintext, from the chip)", "DRAM (what the OS sees)",
                        showLeft: line.Source is not InspectedSource.IntegrityFailure);
            }
        }
    }

    private void HexPair(byte[] left, byte[] right, string leftTitle, string rightTitle, bool showLeft)
    {
        _h.Append(C, $"<div class=\"hexpair\"><div class=\"plain\"><h4>{E(leftTitle)}</h4><pre>{(showLeft ? Dump(left) : "(nothing: the chip refuses this line)")}</pre></div>");
        _h.Append(C, $"<div class=\"dram\"><h4>{E(rightTitle)}</h4><pre>{Dump(right)}</pre></div></div>");
    }

    /// <summary>16 bytes a row: offset, hex in groups of 4, characters; the marker's bytes highlighted.</summary>
    private string Dump(byte[] bytes)
    {
        var mark = new bool[bytes.Length];
        if (report.Marker is { Length: > 0 } marker)
            for (int at = 0; at + marker.Length <= bytes.Length; at++)
                if (bytes.AsSpan(at, marker.Length).SequenceEqual(marker)) Array.Fill(mark, true, at, marker.Length);
        var d = new StringBuilder();
        for (int row = 0; row < bytes.Length; row += 16)
        {
            d.Append(C, $"+{row:x3}  ");
            for (int i = row; i < row + 16; i++)
            {
                if (i > row && (i - row) % 4 == 0) d.Append(' ');
                string hex = i < bytes.Length ? bytes[i].ToString("x2", C) : "  ";
                d.Append(i < bytes.Length && mark[i] ? $"<mark>{hex}</mark>" : hex);
            }
            d.Append("  ");
            for (int i = row; i < Math.Min(row + 16, bytes.Length); i++)
            {
                string ch = E(InspectionText.Printable(bytes[i]).ToString());
                d.Append(mark[i] ? $"<mark>{ch}</mark>" : ch);
            }
            d.Append('\n');
        }
        return d.ToString();
    }

    private void Statistics()
    {
        _h.Append("<section id=\"statistics\"><h2>Statistics</h2>");
        _h.Append("<p class=\"lead\">Counted by the chip and the OS model during the run (the same numbers as <code>--stats-json</code>, schema <code>cloak.stats/1</code>, <code>docs/stats.md</code>).</p>");
        var chip = s.Chip;
        _h.Append("<div class=\"figures\">");
        Figure(N(s.Cycles), "simulated cycles");
        Figure(N(chip.LinesDecrypted), "lines decrypted");
        Figure(N(chip.LinesEncrypted), "lines encrypted");
        Figure(N(chip.MacChecks), "MAC checks");
        Figure(N(chip.DataCacheHits), "data cache hits");
        Figure(N(chip.DataCacheMisses), "data cache misses");
        Figure(N(chip.TrpInstructions), "TRP instructions");
        Figure(N(chip.EarLookups), "EAR lookups");
        if (s.Mode == "os")
        {
            Figure(N(s.ContextSwitches), "context switches");
            Figure(N(s.Syscalls), "system calls");
            Figure(N(s.PageFaults), "page faults");
            Figure($"{N(s.SwapOuts)} / {N(s.SwapIns)}", "swap outs / ins");
        }
        _h.Append("</div>");

        _h.Append("<h3>Where the cycles went</h3><p class=\"note\">Simulated cycles by the latency model's categories: one per instruction (core), and what the protection hardware added (decrypt, encrypt, MAC, counter tree, sealing contexts); other is waiting and idle time.</p>");
        var bars = s.Mode == "os" && s.Processes.Count > 0
            ? s.Processes.Values.Select(p => CycleBar($"{p.Name} {p.Pid}", CycleBreakdown.From(p.Cycles, p.Chip))).ToList()
            : [CycleBar("the program", s.CycleBreakdown)];
        _h.Append("<div class=\"scroll\">").Append(Charts.StackedBars("cycles", "cycles per process by category", bars, "cycles")).Append("</div>");

        var regions = s.Regions.Values.Where(r => r.Traffic is { } t && t.LinesDecrypted + t.LinesEncrypted + t.FreshLines > 0)
            .OrderByDescending(r => r.Traffic!.LinesDecrypted + r.Traffic.LinesEncrypted + r.Traffic.FreshLines).Take(16).ToList();
        if (regions.Count > 0)
        {
            _h.Append("<h3>Crypto traffic per region</h3><p class=\"note\">Lines the memory encryption unit decrypted (on the way into the cache) and encrypted (on write-back) for each protected region");
            if (s.Regions.Count > regions.Count) _h.Append(C, $"; the {regions.Count} busiest of {s.Regions.Count}");
            _h.Append(".</p>");
            var regionBars = regions.Select(r => new Bar(
                $"{(r.Kind is { } k ? Names.Kebab(k.ToString()) : "region")} 0x{r.RegionId:x8}{(r.Instance != 0 ? $"#{r.Instance}" : "")} ({string.Join(",", r.Processes.Select(pid => s.Processes.TryGetValue(pid, out var p) ? p.Name : pid.ToString(C)).Distinct())})",
                [new Segment("decrypted", "c-decrypt", r.Traffic!.LinesDecrypted), new Segment("encrypted", "c-encrypt", r.Traffic.LinesEncrypted),
                 new Segment("fresh (read as zeros)", "c-other", r.Traffic.FreshLines), new Segment("MAC failures", "c-failed", r.Traffic.MacFailures)])).ToList();
            _h.Append("<div class=\"scroll\">").Append(Charts.StackedBars("traffic", "lines decrypted and encrypted per region", regionBars, "lines")).Append("</div>");
        }

        if (s.Processes.Count > 0)
        {
            _h.Append("<h3>Per process</h3><table class=\"perprocess\"><thead><tr><th>process</th><th class=\"num\">instructions</th><th class=\"num\">cycles</th><th class=\"num\">syscalls</th>");
            _h.Append("<th class=\"num\">page faults</th><th class=\"num\">switches</th><th class=\"num\">lines dec / enc</th><th class=\"num\">EAR set / cleared</th><th>TRP instructions (status)</th></tr></thead><tbody>");
            foreach (var p in s.Processes.Values)
            {
                string trp = string.Join(", ", p.Trp.Select(op => $"{op.Key} {string.Join("/", op.Value.Select(o => o.Key == "ok" ? N(o.Value) : $"{N(o.Value)} {o.Key}"))}"));
                _h.Append(C, $"<tr><td><strong>{E(p.Name)}</strong> {p.Pid}</td><td class=\"num\">{N(p.Chip.Instructions)}</td><td class=\"num\">{N(p.Cycles)}</td><td class=\"num\">{N(p.Syscalls)}</td>");
                _h.Append(C, $"<td class=\"num\">{N(p.PageFaults)}</td><td class=\"num\">{N(p.ContextSwitches)}</td><td class=\"num\">{N(p.Chip.LinesDecrypted)} / {N(p.Chip.LinesEncrypted)}</td>");
                _h.Append(C, $"<td class=\"num\">{N(p.EarAdded)} / {N(p.EarRemoved)}</td><td>{E(trp)}</td></tr>");
            }
            _h.Append("</tbody></table>");
        }
        _h.Append("</section>");
    }

    private static Bar CycleBar(string label, CycleBreakdown c) => new(label,
    [
        new Segment("core", "c-core", c.Core), new Segment("cache", "c-cache", c.Cache), new Segment("decrypt", "c-decrypt", c.Decrypt),
        new Segment("encrypt", "c-encrypt", c.Encrypt), new Segment("MAC", "c-mac", c.Mac), new Segment("tree", "c-tree", c.Tree),
        new Segment("context", "c-context", c.Context), new Segment("other", "c-other", c.Other),
    ]);

    private void Machine()
    {
        _h.Append("<section id=\"machine\"><h2>Machine</h2><p class=\"lead\">Every option of the machine this run used (the chip identity by its public fingerprint only).</p>");
        _h.Append(C, $"<table class=\"config\"><thead><tr><th>option</th><th>value</th></tr></thead><tbody>");
        foreach (var (key, value) in Flatten("", s.Configuration))
            _h.Append(C, $"<tr><td class=\"mono\">{E(key)}</td><td class=\"mono\">{E(value)}</td></tr>");
        _h.Append(C, $"<tr><td class=\"mono\">latency</td><td class=\"mono\">{E(s.Latency.ToString())} (decrypt, encrypt, MAC, tree node, context: cycles)</td></tr>");
        _h.Append(C, $"<tr><td class=\"mono\">memory timing</td><td class=\"mono\">{E(s.Timing.ToString())}</td></tr>");
        _h.Append("</tbody></table></section>");
    }

    private static IEnumerable<(string Key, string Value)> Flatten(string prefix, IReadOnlyDictionary<string, object?> map)
    {
        foreach (var (key, value) in map)
        {
            string path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is IReadOnlyDictionary<string, object?> inner)
                foreach (var item in Flatten(path, inner)) yield return item;
            else
                yield return (path, value switch
                {
                    null => "\u2013",
                    bool b => b ? "true" : "false",
                    Enum e => Names.Kebab(e.ToString()),
                    IFormattable f => f.ToString(null, C),
                    _ => value.ToString() ?? "",
                });
        }
    }
}
