using System.Globalization;
using System.Text;
using static Cloak.Observation.Report.Html;

namespace Cloak.Observation.Report;

/// <summary>
/// The protocol as a message sequence diagram in inline SVG: one lifeline per process, the OS in the
/// middle (it relays every message), rows in the order things happened (not to scale): protocol steps
/// the guests announced as boxes on their lifelines, channel messages as arrows through the OS with
/// the channel's name and length (never content), and in red what the adversary did (on the OS, with
/// a dashed arrow to the process it struck) and where the chip stopped something (integrity faults,
/// refused contexts, kills). A column on the right says each row in words.
/// </summary>
internal sealed class SequenceDiagram
{
    public const int MaxRows = 1500;
    /// <summary>The width the page gives the diagram (it scrolls sideways beyond).</summary>
    private const double PageWidth = 1130;
    private const double RowHeight = 36, HeaderHeight = 64, Gutter = 74, MinText = 440;
    private readonly double _columnWidth, _boxWidth, _textWidth;
    private readonly int _textChars;

    private sealed record Column(int Pid, string Name, string Sub, double X, string Css);

    private readonly List<Column> _columns = [];
    private readonly Dictionary<int, Column> _byPid = [];
    private readonly List<RunEvent> _rows;
    private readonly int _totalRows;
    private readonly Column _os;

    public SequenceDiagram(IReadOnlyList<RunEvent> events)
    {
        var processes = new SortedDictionary<int, (string Name, bool Sealed)>();
        foreach (var e in events)
        {
            if (e.Pid != 0 && !processes.ContainsKey(e.Pid)) processes[e.Pid] = (e.Process ?? $"pid {e.Pid}", false);
            if (e is { Category: EventCategory.Process, Kind: "start" }) processes[e.Pid] = (e.Process ?? $"pid {e.Pid}", e["sealed"] is true);
            if (e.Category == EventCategory.Channel && Convert.ToInt32(e["to"], CultureInfo.InvariantCulture) is int to and not 0 && !processes.ContainsKey(to))
                processes[to] = ($"pid {to}", false);
        }
        var pids = processes.Keys.ToList();
        // Lifelines share what the text column leaves of the page, within limits (a wide group scrolls).
        _columnWidth = Math.Clamp((PageWidth - Gutter - MinText) / (pids.Count + 1), 112, 168);
        _boxWidth = _columnWidth - 16;
        _textWidth = Math.Max(MinText, PageWidth - Gutter - _columnWidth * (pids.Count + 1) - 12);
        _textChars = (int)(_textWidth / 7.0);
        int left = pids.Count <= 1 ? pids.Count : 1;
        double x = Gutter + _columnWidth / 2;
        for (int i = 0; i < pids.Count + 1; i++, x += _columnWidth)
        {
            if (i == left)
            {
                _os = new Column(0, "OS", "relays every message", x, "os");
                _columns.Add(_os);
                continue;
            }
            int pid = pids[i < left ? i : i - 1];
            var (name, sealedImage) = processes[pid];
            var column = new Column(pid, name, $"pid {pid} \u00b7 {(sealedImage ? "sealed" : "plain")}", x, "p" + (_byPid.Count % 6).ToString(CultureInfo.InvariantCulture));
            _columns.Add(column);
            _byPid[pid] = column;
        }
        _os ??= new Column(0, "OS", "", Gutter + _columnWidth / 2, "os");
        var rows = events.Where(IsRow).ToList();
        _totalRows = rows.Count;
        _rows = rows.Take(MaxRows).ToList();
    }

    /// <summary>Lifelines (processes and the OS).</summary>
    public int Lifelines => _columns.Count;
    public int Rows => _rows.Count;
    public int TotalRows => _totalRows;
    public bool HasProcesses => _byPid.Count > 0;

    private static bool IsRow(RunEvent e) => e.Category switch
    {
        EventCategory.Channel or EventCategory.Protocol or EventCategory.Adversary or EventCategory.Integrity => true,
        EventCategory.Context => e.Kind == "refuse",
        EventCategory.Process => e.Kind == "exit" || (e.Kind == "start" && e.Nanoseconds > 0),
        _ => false,
    };

    public string Render()
    {
        var s = new StringBuilder();
        double lifelinesRight = _columns.Count == 0 ? Gutter : _columns[^1].X + _columnWidth / 2;
        double textX = lifelinesRight + 12;
        double width = textX + _textWidth;
        double height = HeaderHeight + (_rows.Count + 1) * RowHeight + 16;
        s.Append(CultureInfo.InvariantCulture, $"<svg class=\"sequence\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Px(width)}\" height=\"{Px(height)}\" viewBox=\"0 0 {Px(width)} {Px(height)}\" role=\"img\" aria-label=\"message sequence diagram\">");
        s.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker>");
        s.Append("<marker id=\"strike\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"strikehead\"/></marker></defs>");

        // Zebra rows, then lifelines, then the rows' content on top.
        for (int i = 0; i < _rows.Count; i++)
            if (i % 2 == 1) s.Append(CultureInfo.InvariantCulture, $"<rect class=\"zebra\" x=\"0\" y=\"{Px(RowY(i) - RowHeight / 2)}\" width=\"{Px(width)}\" height=\"{Px(RowHeight)}\"/>");
        s.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{Px(Gutter - 10)}\" y=\"{Px(HeaderHeight - 8)}\" text-anchor=\"end\">time</text>");
        s.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{Px(textX)}\" y=\"{Px(HeaderHeight - 8)}\">what happened</text>");
        foreach (var c in _columns)
        {
            s.Append(CultureInfo.InvariantCulture, $"<line class=\"lifeline {c.Css}\" data-pid=\"{c.Pid}\" x1=\"{Px(c.X)}\" y1=\"{Px(HeaderHeight)}\" x2=\"{Px(c.X)}\" y2=\"{Px(height - 10)}\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<g class=\"head {c.Css}\"><rect x=\"{Px(c.X - _boxWidth / 2)}\" y=\"6\" width=\"{Px(_boxWidth)}\" height=\"44\" rx=\"7\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text class=\"name\" x=\"{Px(c.X)}\" y=\"25\" text-anchor=\"middle\">{Cut(c.Name, 16)}</text>");
            s.Append(CultureInfo.InvariantCulture, $"<text class=\"sub\" x=\"{Px(c.X)}\" y=\"41\" text-anchor=\"middle\">{Cut(c.Sub, 24)}</text></g>");
        }
        for (int i = 0; i < _rows.Count; i++) Row(s, _rows[i], RowY(i), textX);
        s.Append("</svg>");
        return s.ToString();
    }

    private static double RowY(int i) => HeaderHeight + RowHeight * (i + 0.5) + 6;

    private Column ColumnOf(int pid) => _byPid.GetValueOrDefault(pid) ?? _os;

    private static string Who(RunEvent e) => $"{e.Process ?? "OS"} {e.Pid}";

    private void Row(StringBuilder s, RunEvent e, double y, double textX)
    {
        var ci = CultureInfo.InvariantCulture;
        s.Append(ci, $"<text class=\"time\" x=\"{Px(Gutter - 10)}\" y=\"{Px(y + 4)}\" text-anchor=\"end\">{E(Time(e.Nanoseconds))}</text>");
        var c = ColumnOf(e.Pid);
        string text;
        string css = "";
        switch (e.Category)
        {
            case EventCategory.Protocol:
            {
                string topic = e["topic"] as string is { Length: > 0 } t ? t : "note";
                string note = e["text"] as string ?? "";
                s.Append(ci, $"<g class=\"step {c.Css}\"><title>{E($"{e.Process} {e.Pid}: {topic}: {note}")}</title>");
                s.Append(ci, $"<rect x=\"{Px(c.X - _boxWidth / 2)}\" y=\"{Px(y - 10)}\" width=\"{Px(_boxWidth)}\" height=\"20\" rx=\"4\"/>");
                string shortTopic = topic.StartsWith("claim ", StringComparison.Ordinal) ? topic[6..] : topic;
                s.Append(ci, $"<text x=\"{Px(c.X)}\" y=\"{Px(y + 4)}\" text-anchor=\"middle\">{Cut(shortTopic, (int)(_boxWidth / 7.4))}</text></g>");
                text = $"{Who(e)}: {topic} \u2014 {note}";
                break;
            }
            case EventCategory.Channel:
            {
                int to = Convert.ToInt32(e["to"], ci);
                bool dropped = e["dropped"] is true;
                string channel = e["channel"] as string ?? "";
                int length = Convert.ToInt32(e["length"], ci);
                var target = to == 0 ? null : _byPid.GetValueOrDefault(to);
                s.Append(ci, $"<g class=\"message{(dropped ? " dropped" : "")}\" data-channel=\"{E(channel)}\" data-length=\"{length}\" data-from=\"{e.Pid}\" data-to=\"{to}\">");
                s.Append(ci, $"<title>{E($"{e.Process} {e.Pid} -> {(target is null ? "(no receiver)" : $"{target.Name} {to}")}: channel {channel}, {length} bytes")}</title>");
                if (target is null || dropped)
                {
                    s.Append(ci, $"<line x1=\"{Px(c.X)}\" y1=\"{Px(y)}\" x2=\"{Px(_os.X)}\" y2=\"{Px(y)}\" marker-end=\"url(#arrow)\"/>");
                    if (dropped) Cross(s, _os.X, y);
                }
                else
                {
                    s.Append(ci, $"<line x1=\"{Px(c.X)}\" y1=\"{Px(y)}\" x2=\"{Px(_os.X)}\" y2=\"{Px(y)}\"/>");
                    s.Append(ci, $"<circle class=\"relay\" cx=\"{Px(_os.X)}\" cy=\"{Px(y)}\" r=\"3.5\"/>");
                    s.Append(ci, $"<line x1=\"{Px(_os.X)}\" y1=\"{Px(y)}\" x2=\"{Px(target.X)}\" y2=\"{Px(y)}\" marker-end=\"url(#arrow)\"/>");
                }
                double labelX = (c.X + _os.X) / 2;
                s.Append(ci, $"<text class=\"label\" x=\"{Px(labelX)}\" y=\"{Px(y - 5)}\" text-anchor=\"middle\">{Cut($"{channel} \u00b7 {length} B", 24)}</text></g>");
                text = $"{Who(e)} \u2192 {(target is null ? "nobody yet" : $"{target.Name} {to}")}: {length}-byte message on channel {channel}" +
                       (dropped ? ", DROPPED by the OS" : "");
                css = dropped ? "bad" : "";
                break;
            }
            case EventCategory.Adversary:
            {
                string action = e["action"] as string ?? "";
                string adversary = e["adversary"] as string ?? "adversary";
                s.Append(ci, $"<g class=\"attack\"><title>{E($"{adversary}: {action}")}</title>");
                s.Append(ci, $"<path d=\"M{Px(_os.X)},{Px(y - 9)} l9,9 l-9,9 l-9,-9 z\"/>");
                if (e.Pid != 0 && _byPid.GetValueOrDefault(e.Pid) is { } victim)
                    s.Append(ci, $"<line x1=\"{Px(_os.X)}\" y1=\"{Px(y)}\" x2=\"{Px(victim.X)}\" y2=\"{Px(y)}\" marker-end=\"url(#strike)\"/>");
                s.Append("</g>");
                text = $"ADVERSARY ({adversary}){(e.Pid != 0 ? $" against {Who(e)}" : "")}: {action}";
                css = "bad";
                break;
            }
            case EventCategory.Integrity:
                Cross(s, c.X, y);
                text = $"{Who(e)}: INTEGRITY FAULT at {e["address"]}: the line failed authentication; the chip gave the process nothing";
                css = "bad";
                break;
            case EventCategory.Context:
                Cross(s, c.X, y);
                text = $"{Who(e)}: the chip REFUSED to resume its saved context ({e["refusal"]})";
                css = "bad";
                break;
            default:
            {
                if (e.Kind == "start")
                {
                    s.Append(ci, $"<circle class=\"start\" cx=\"{Px(c.X)}\" cy=\"{Px(y)}\" r=\"6\"/>");
                    text = $"{Who(e)} started";
                    break;
                }
                string? reason = e["kill_reason"] as string;
                string code = Convert.ToString(e["exit_code"], ci) ?? "?";
                if (reason is null)
                {
                    s.Append(ci, $"<rect class=\"end\" x=\"{Px(c.X - 9)}\" y=\"{Px(y - 4)}\" width=\"18\" height=\"8\" rx=\"2\"/>");
                    text = $"{Who(e)} exited with status {code}";
                    css = code == "0" ? "" : "bad";
                }
                else
                {
                    Cross(s, c.X, y);
                    text = $"{Who(e)} was KILLED: {reason}";
                    css = "bad";
                }
                break;
            }
        }
        Say(s, text, css, textX, y);
    }

    /// <summary>The row in words, on one line or two (cut with an ellipsis beyond; the whole text is the tooltip).</summary>
    private void Say(StringBuilder s, string text, string css, double x, double y)
    {
        var ci = CultureInfo.InvariantCulture;
        s.Append(ci, $"<text class=\"say {css}\" x=\"{Px(x)}\" y=\"{Px(y + 4)}\"><title>{E(text)}</title>");
        int chars = css == "bad" ? _textChars * 7 / 8 : _textChars; // bold is wider
        if (text.Length <= chars)
        {
            s.Append(E(text)).Append("</text>");
            return;
        }
        int split = text.LastIndexOf(' ', chars);
        if (split < chars / 2) split = chars;
        s.Append(ci, $"<tspan x=\"{Px(x)}\" dy=\"-6.5\">{E(text[..split])}</tspan><tspan x=\"{Px(x)}\" dy=\"14\">{Cut(text[split..].TrimStart(), chars)}</tspan></text>");
    }

    private static void Cross(StringBuilder s, double x, double y) =>
        s.Append(CultureInfo.InvariantCulture, $"<path class=\"cross\" d=\"M{Px(x - 7)},{Px(y - 7)} L{Px(x + 7)},{Px(y + 7)} M{Px(x + 7)},{Px(y - 7)} L{Px(x - 7)},{Px(y + 7)}\"/>");
}
