using System.Text;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>The page around a report: one self-contained HTML document with inline CSS (screen and print), no script, no external resource.</summary>
internal static class ReportPage
{
    private const string Css = """
        :root{--ref:#5b6f95;--cur:#d9822b;--ok:#1e7b3c;--bad:#b3261e;--ink:#1d1f24;--muted:#5f6570;--rule:#d8dbe2}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
        header,main,footer{max-width:1240px;margin:0 auto;padding:16px 24px}
        header{border-bottom:1px solid var(--rule)}
        h1{font-size:22px;margin:0 0 8px}
        h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--rule);padding-bottom:4px}
        h3{font-size:15px;margin:20px 0 6px;overflow-wrap:anywhere}
        .verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:4px;border-left:6px solid}
        .verdict.drift{background:#fdecea;border-color:var(--bad)}
        .verdict.ok{background:#e8f5ec;border-color:var(--ok)}
        dl.facts{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 16px;margin:12px 0 0}
        dl.facts dt{color:var(--muted)}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
        caption{text-align:left;color:var(--muted);padding:2px 0}
        th,td{border-bottom:1px solid var(--rule);padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#f3f4f7;font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.name{overflow-wrap:anywhere;max-width:320px}
        td.drifted,.drifted{color:var(--bad);font-weight:600}
        .scroll{overflow-x:auto}
        figure{margin:8px 0 20px;break-inside:avoid;page-break-inside:avoid;display:flex;flex-wrap:wrap;gap:4px 28px;align-items:flex-start}
        figure>h3,figure>h4,figure>p{flex-basis:100%;margin-bottom:0}
        time{white-space:nowrap}
        svg.chart{width:100%;max-width:600px;flex:1 1 420px;height:auto;display:block}
        svg .grid{stroke:var(--rule);stroke-width:1}
        svg text{font-size:10px;fill:var(--muted)}
        svg .tick{text-anchor:end}
        svg .xlabel{text-anchor:end} svg .xlabel.flat{text-anchor:middle}
        svg .legend{font-size:11px;fill:var(--ink)}
        svg rect.ref{fill:var(--ref)} svg rect.cur{fill:var(--cur)}
        svg .whisker{stroke:var(--ink);stroke-width:1.5} svg .zero{stroke:var(--ink);stroke-width:1}
        .line{fill:none;stroke-width:2}
        .s0{stroke:#3b6bb5;fill:#3b6bb5}.s1{stroke:#d9822b;fill:#d9822b}.s2{stroke:#2f8f5b;fill:#2f8f5b}.s3{stroke:#a23b72;fill:#a23b72}
        .s4{stroke:#6b5b95;fill:#6b5b95}.s5{stroke:#8c6d31;fill:#8c6d31}.s6{stroke:#17a2b8;fill:#17a2b8}.s7{stroke:#555;fill:#555}
        polyline.line{fill:none}
        ul.compact{margin:4px 0;padding-left:20px}
        .muted{color:var(--muted)}
        footer{color:var(--muted);font-size:12px;border-top:1px solid var(--rule)}
        @page{size:A4 landscape;margin:10mm}
        @media print{
          body{font-size:11px}
          table{font-size:9.5px}
          th,td{padding:2px 4px}
          svg.chart{max-width:520px}
          header,main,footer{max-width:none;padding:0 0 8px}
          h2{break-after:avoid;page-break-after:avoid}
          table,figure{break-inside:avoid;page-break-inside:avoid}
          .scroll{overflow:visible}
          .verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}
          svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """;

    /// <summary>
    /// What the page may load or run: nothing but its own inline style. Written into the page (so a saved file carries
    /// it) and sent as a header by the download endpoints: even if a name slipped through unencoded, no script would run.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    /// <summary>Writes the document start up to the opening <c>&lt;body&gt;</c>.</summary>
    public static void Begin(HtmlWriter w, string title)
    {
        w.Raw("<!DOCTYPE html>\n")
            .Open("html", ("lang", "en"))
            .Raw("<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"").Raw(ContentSecurityPolicy).Raw("\">")
            .Raw("<meta name=\"generator\" content=\"MLOps for .NET\">")
            .Element("title", title)
            .Raw("<style>").Raw(Css).Raw("</style></head>\n<body>");
    }

    /// <summary>Writes the footer with the precision statement and closes the document.</summary>
    public static void End(HtmlWriter w) =>
        w.Open("footer").Element("p", ReportFormat.Precision).Element("p", "Generated by MLOps for .NET. This file is self-contained: it loads nothing.")
            .Close("footer").Raw("</body></html>\n");

    /// <summary>A <c>&lt;dl&gt;</c> entry.</summary>
    public static void Fact(HtmlWriter w, string term, string value) => w.Element("dt", term).Element("dd", value);

    /// <summary>Writes a file as UTF-8 without a byte order mark, replacing it.</summary>
    public static async Task SaveAsync(string path, string html, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await File.WriteAllTextAsync(path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
    }
}
