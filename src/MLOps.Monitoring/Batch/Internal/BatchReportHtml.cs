using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Reports.Internal;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// Renders a <see cref="BatchMonitoringReport"/> as one page: its facts and notes, then the body of each drift report
/// and of the quality report as their own renderers write them (each section keeps its JSON pointers, relative to that
/// report's JSON).
/// </summary>
internal static class BatchReportHtml
{
    public static string Render(BatchMonitoringReport report)
    {
        var w = new HtmlWriter();
        ReportPage.Begin(w, $"Batch monitoring report: {report.Model.Value}");
        w.Open("header").Element("h1", $"Batch monitoring report: {report.Model.Value}");
        w.Open("dl", ("class", "facts"));
        ReportPage.Fact(w, "Model", report.Model.Value);
        ReportPage.Fact(w, "From", ReportFormat.Time(report.From));
        ReportPage.Fact(w, "To", ReportFormat.Time(report.To));
        ReportPage.Fact(w, "Logged predictions", ReportFormat.Integer(report.Rows));
        ReportPage.Fact(w, "With inputs", ReportFormat.Integer(report.RowsWithInputs));
        ReportPage.Fact(w, "With ground truth", ReportFormat.Integer(report.LabelledRows));
        ReportPage.Fact(w, "Dataset drift", ReportFormat.Boolean(report.DatasetDrift));
        w.Close("dl");
        if (report.Notes.Count > 0)
        {
            w.Open("ul", ("class", "notes"));
            foreach (string note in report.Notes)
            {
                w.Element("li", note);
            }

            w.Close("ul");
        }

        w.Close("header");
        foreach (DriftReport drift in report.Drift)
        {
            w.Open("section", ("class", "batch-drift")).Raw(Body(drift.ToHtml())).Close("section");
        }

        if (report.Quality is { } quality)
        {
            w.Open("section", ("class", "batch-quality")).Raw(Body(quality.ToHtml())).Close("section");
        }

        ReportPage.End(w);
        return w.ToString();
    }

    /// <summary>The content of a rendered page between <c>&lt;body&gt;</c> and its footer.</summary>
    private static string Body(string page)
    {
        int start = page.IndexOf("<body>", StringComparison.Ordinal) + "<body>".Length;
        int end = page.LastIndexOf("<footer>", StringComparison.Ordinal);
        return page[start..end];
    }
}
