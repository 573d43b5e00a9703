using System.Globalization;
using System.Text;
using static Cloak.Observation.Report.Html;

namespace Cloak.Observation.Report;

/// <summary>A segment of a stacked bar: its name (for the legend), CSS class (its colour) and value.</summary>
internal readonly record struct Segment(string Name, string Css, ulong Value);

/// <summary>One bar of a chart: its label (encoded on output) and segments.</summary>
internal sealed record Bar(string Label, IReadOnlyList<Segment> Segments)
{
    public ulong Total => Segments.Aggregate(0UL, (sum, s) => sum + s.Value);
}

/// <summary>Small inline-SVG charts: horizontal stacked bars with a legend, labelled in plain words.</summary>
internal static class Charts
{
    private const double LabelWidth = 230, BarArea = 560, BarHeight = 22, Gap = 10, TotalWidth = 130;

    public static string StackedBars(string css, string ariaLabel, IReadOnlyList<Bar> bars, string unit)
    {
        var ci = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        ulong max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Total));
        var legend = bars.SelectMany(b => b.Segments).Where(g => g.Value > 0).Select(g => (g.Name, g.Css)).Distinct().ToList();
        double legendHeight = 28;
        double width = LabelWidth + BarArea + TotalWidth;
        double height = legendHeight + bars.Count * (BarHeight + Gap) + 4;
        s.Append(ci, $"<svg class=\"chart {css}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Px(width)}\" height=\"{Px(height)}\" viewBox=\"0 0 {Px(width)} {Px(height)}\" role=\"img\" aria-label=\"{E(ariaLabel)}\">");
        double lx = LabelWidth;
        foreach (var (name, segmentCss) in legend)
        {
            s.Append(ci, $"<rect class=\"{segmentCss}\" x=\"{Px(lx)}\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\"/>");
            s.Append(ci, $"<text class=\"legend\" x=\"{Px(lx + 17)}\" y=\"16\">{E(name)}</text>");
            lx += 30 + name.Length * 7.2;
        }
        double y = legendHeight;
        foreach (var bar in bars)
        {
            s.Append(ci, $"<text class=\"barlabel\" x=\"{Px(LabelWidth - 10)}\" y=\"{Px(y + BarHeight / 2 + 5)}\" text-anchor=\"end\">{Cut(bar.Label, 30)}</text>");
            double x = LabelWidth;
            foreach (var segment in bar.Segments)
            {
                if (segment.Value == 0) continue;
                double w = BarArea * segment.Value / max;
                s.Append(ci, $"<rect class=\"{segment.Css}\" x=\"{Px(x)}\" y=\"{Px(y)}\" width=\"{Px(Math.Max(w, 0.8))}\" height=\"{Px(BarHeight)}\"><title>{E($"{bar.Label}: {segment.Name} {N(segment.Value)} {unit}")}</title></rect>");
                x += w;
            }
            s.Append(ci, $"<text class=\"bartotal\" x=\"{Px(x + 8)}\" y=\"{Px(y + BarHeight / 2 + 5)}\">{E(N(bar.Total))} {E(unit)}</text>");
            y += BarHeight + Gap;
        }
        s.Append("</svg>");
        return s.ToString();
    }

    /// <summary>
    /// A Gantt chart of EAR entries over simulated time: one row per entry, a bar from the moment the
    /// chip added it to the moment it went (or the end of the run), coloured by region kind.
    /// </summary>
    public static string EarTimeline(IReadOnlyList<(string Label, string Css, ulong From, ulong To, string Tip)> rows, ulong end)
    {
        var ci = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        const double label = 250, area = 620, row = 20, top = 8, axis = 26;
        double width = label + area + 20, height = top + rows.Count * row + axis;
        ulong span = Math.Max(1, end);
        s.Append(ci, $"<svg class=\"chart eartimeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Px(width)}\" height=\"{Px(height)}\" viewBox=\"0 0 {Px(width)} {Px(height)}\" role=\"img\" aria-label=\"EAR entries over time\">");
        double y = top;
        foreach (var (text, css, from, to, tip) in rows)
        {
            double x1 = label + area * Math.Min(from, span) / span, x2 = label + area * Math.Min(to, span) / span;
            s.Append(ci, $"<text class=\"barlabel\" x=\"{Px(label - 8)}\" y=\"{Px(y + 13)}\" text-anchor=\"end\">{Cut(text, 34)}</text>");
            s.Append(ci, $"<rect class=\"{css}\" x=\"{Px(x1)}\" y=\"{Px(y + 3)}\" width=\"{Px(Math.Max(2, x2 - x1))}\" height=\"{Px(row - 6)}\" rx=\"3\"><title>{E(tip)}</title></rect>");
            y += row;
        }
        s.Append(ci, $"<line class=\"axisline\" x1=\"{Px(label)}\" y1=\"{Px(y + 2)}\" x2=\"{Px(label + area)}\" y2=\"{Px(y + 2)}\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double x = label + area * i / 4;
            s.Append(ci, $"<text class=\"axis\" x=\"{Px(x)}\" y=\"{Px(y + 18)}\" text-anchor=\"{(i == 0 ? "start" : i == 4 ? "end" : "middle")}\">{E(Time(span * (ulong)i / 4))}</text>");
        }
        s.Append("</svg>");
        return s.ToString();
    }
}
