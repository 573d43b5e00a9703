namespace Cloak.Observation.Report;

/// <summary>The report's stylesheet: system fonts only (nothing to download), sized to read projected at 1280x800.</summary>
internal static class ReportStyle
{
    public const string Css = """
:root { --ink:#1f2937; --muted:#5b6472; --line:#d9dee7; --paper:#ffffff; --soft:#f5f7fb; --accent:#1d4ed8;
  --ok:#15803d; --ok-bg:#e7f6ec; --bad:#b91c1c; --bad-bg:#fdecec; --warn:#b45309; --warn-bg:#fdf3e3;
  --private:#64748b; --hidden:#7c3aed; --shared:#2563eb; --notification:#0d9488; }
* { box-sizing:border-box; }
html { font-size:17px; }
body { margin:0; color:var(--ink); background:var(--soft); font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif; line-height:1.5; }
.wrap { max-width:1240px; margin:0 auto; padding:0 28px; }
header.top { background:#0f172a; color:#f8fafc; padding:22px 0 20px; }
header.top .kicker { font-size:.8rem; letter-spacing:.12em; text-transform:uppercase; color:#93a4c3; }
header.top h1 { margin:.15em 0 .1em; font-size:1.9rem; font-weight:650; line-height:1.2; }
header.top .sub { margin:0; color:#cbd5e1; font-size:1rem; }
.badge { display:inline-block; margin-top:12px; padding:4px 14px; border-radius:999px; font-weight:650; font-size:1rem; }
.badge.ok { background:var(--ok-bg); color:var(--ok); } .badge.bad { background:var(--bad-bg); color:var(--bad); } .badge.warn { background:var(--warn-bg); color:var(--warn); }
nav.toc { background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:5; }
nav.toc .wrap { display:flex; gap:22px; flex-wrap:wrap; padding-top:9px; padding-bottom:9px; }
nav.toc a { color:var(--accent); text-decoration:none; font-weight:600; font-size:.92rem; }
main { padding-bottom:40px; }
section { background:var(--paper); border:1px solid var(--line); border-radius:10px; margin:22px 0; padding:20px 26px 24px; }
section > h2 { margin:0 0 6px; font-size:1.4rem; }
h3 { font-size:1.1rem; margin:20px 0 6px; }
p.lead, p.note { color:var(--muted); margin:4px 0 12px; max-width:1000px; }
p.note { font-size:.9rem; }
.verdict { border-left:6px solid var(--line); padding:10px 16px; margin:8px 0 16px; background:var(--soft); border-radius:0 8px 8px 0; font-size:1.05rem; }
.verdict.ok { border-color:var(--ok); background:var(--ok-bg); } .verdict.bad { border-color:var(--bad); background:var(--bad-bg); } .verdict.warn { border-color:var(--warn); background:var(--warn-bg); }
.verdict strong { display:block; font-size:1.25rem; margin-bottom:2px; }
.figures { display:grid; grid-template-columns:repeat(auto-fill,minmax(124px,1fr)); gap:10px; margin:12px 0 16px; }
.figure { background:var(--soft); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.figure .v { font-size:1.15rem; white-space:nowrap; font-weight:650; font-variant-numeric:tabular-nums; }
.figure .k { color:var(--muted); font-size:.85rem; }
table { border-collapse:collapse; width:100%; margin:8px 0 14px; font-size:.92rem; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--soft); font-weight:600; color:#374151; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
code, .mono, pre { font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace; }
code { font-size:.88em; background:var(--soft); padding:1px 5px; border-radius:4px; }
.kind { display:inline-block; padding:0 8px; border-radius:999px; color:#fff; font-size:.8rem; font-weight:600; }
.kind.private { background:var(--private); } .kind.hidden { background:var(--hidden); } .kind.shared { background:var(--shared); } .kind.notification { background:var(--notification); }
.bad-text { color:var(--bad); font-weight:600; } .ok-text { color:var(--ok); font-weight:600; }
.scroll { overflow-x:auto; border:1px solid var(--line); border-radius:8px; background:#fff; }
svg text { font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif; }
svg.sequence { display:block; }
svg.sequence .zebra { fill:#f7f9fc; }
svg.sequence .lifeline { stroke:#b8c2d3; stroke-width:2; stroke-dasharray:6 5; }
svg.sequence .lifeline.os { stroke:#d97706; stroke-dasharray:none; stroke-width:3; opacity:.55; }
svg.sequence .head rect { fill:#e8eefc; stroke:#5b7bd5; stroke-width:1.5; }
svg.sequence .head.os rect { fill:#fff4e0; stroke:#d97706; }
svg.sequence .head .name { font-size:15px; font-weight:700; fill:#111827; }
svg.sequence .head .sub { font-size:11.5px; fill:#4b5563; }
svg.sequence .step rect { fill:#eef2ff; stroke:#6366f1; stroke-width:1; }
svg.sequence .step text { font-size:12px; font-weight:600; fill:#312e81; }
svg.sequence .p1 rect, svg.sequence .head.p1 rect { fill:#e6f6f3; stroke:#0d9488; } svg.sequence .step.p1 text { fill:#115e59; }
svg.sequence .p2 rect, svg.sequence .head.p2 rect { fill:#f3e8ff; stroke:#9333ea; } svg.sequence .step.p2 text { fill:#581c87; }
svg.sequence .p3 rect, svg.sequence .head.p3 rect { fill:#fef3c7; stroke:#ca8a04; } svg.sequence .step.p3 text { fill:#713f12; }
svg.sequence .p4 rect, svg.sequence .head.p4 rect { fill:#fce7f3; stroke:#db2777; } svg.sequence .step.p4 text { fill:#831843; }
svg.sequence .p5 rect, svg.sequence .head.p5 rect { fill:#e0f2fe; stroke:#0284c7; } svg.sequence .step.p5 text { fill:#0c4a6e; }
svg.sequence .message line { stroke:#1f2937; stroke-width:1.6; }
svg.sequence .message.dropped line { stroke:var(--bad); }
svg.sequence .arrowhead { fill:#1f2937; } svg.sequence .strikehead { fill:var(--bad); }
svg.sequence .relay { fill:#d97706; }
svg.sequence .label { font-size:11.5px; fill:#374151; }
svg.sequence .attack path { fill:var(--bad); } svg.sequence .attack line { stroke:var(--bad); stroke-width:2; stroke-dasharray:5 4; }
svg.sequence .cross { stroke:var(--bad); stroke-width:3; }
svg.sequence .start { fill:#fff; stroke:#16a34a; stroke-width:2.5; }
svg.sequence .end { fill:#475569; }
svg.sequence .time, svg.sequence .axis { font-size:11px; fill:#6b7280; }
svg.sequence .say { font-size:12.5px; fill:#1f2937; }
svg.sequence .say.bad { fill:var(--bad); font-weight:600; }
svg.chart .legend, svg.chart .barlabel { font-size:13px; fill:#1f2937; }
svg.chart .bartotal { font-size:12px; fill:#4b5563; }
svg.chart .axis { font-size:11px; fill:#6b7280; } svg.chart .axisline { stroke:#9ca3af; }
.c-core { fill:#94a3b8; } .c-cache { fill:#cbd5e1; } .c-decrypt { fill:#2563eb; } .c-encrypt { fill:#f59e0b; } .c-mac { fill:#10b981; }
.c-tree { fill:#8b5cf6; } .c-context { fill:#ef4444; } .c-other { fill:#e2e8f0; } .c-failed { fill:#b91c1c; }
.k-private { fill:var(--private); } .k-hidden { fill:var(--hidden); } .k-shared { fill:var(--shared); } .k-notification { fill:var(--notification); }
.hexpair { display:grid; grid-template-columns:1fr 1fr; gap:14px; margin:6px 0 16px; }
.hexpair > div { border:1px solid var(--line); border-radius:8px; overflow-x:auto; }
.hexpair h4 { margin:0; padding:6px 12px; font-size:.85rem; font-weight:600; background:var(--soft); border-bottom:1px solid var(--line); }
.hexpair .plain h4 { background:#e9f7ef; color:#14532d; } .hexpair .dram h4 { background:#eef0f4; color:#374151; }
.hexpair pre { margin:0; padding:8px 12px; font-size:.82rem; line-height:1.45; white-space:pre; }
pre mark { background:#bbf7d0; color:inherit; border-radius:2px; } .dram pre mark { background:#fecaca; }
p.region { margin:14px 0 4px; } p.region .mono { font-size:.85rem; }
h4 { margin:18px 0 4px; font-size:1rem; }
.lineinfo { font-size:.85rem; color:var(--muted); margin:10px 0 2px; }
.lineinfo .bad-text { font-size:.85rem; }
details > summary { cursor:pointer; font-weight:600; color:var(--accent); margin:6px 0; }
footer { color:var(--muted); font-size:.85rem; text-align:center; padding:10px 0 30px; }
@media print { nav.toc { position:static; } section { break-inside:avoid-page; } }
""";
}
