using System.Globalization;
using MLOps.Monitoring.Drift;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>
/// Renders a <see cref="DriftReport"/> as one self-contained HTML page. Every number in its tables is a number of
/// <see cref="DriftReport.ToJson"/>, named by a JSON Pointer in the cell's <c>data-json</c> attribute.
/// </summary>
internal static class DriftReportHtml
{
    /// <summary>The most features the importance chart draws (the table lists them all).</summary>
    private const int MaxChartedImportances = 40;

    public static string Render(DriftReport report, IReadOnlyList<FeatureImportance>? importance = null)
    {
        var w = new HtmlWriter();
        string subject = report.ModelName is { } name ? name.Value : "batch comparison";
        ReportPage.Begin(w, $"Drift report: {subject}");
        Header(w, report, subject);
        w.Open("main");
        Features(w, report);
        if (importance is { Count: > 0 })
        {
            Importance(w, report, importance);
        }

        Quality(w, report.DataQuality);
        Distributions(w, report);
        w.Close("main");
        ReportPage.End(w);
        return w.ToString();
    }

    private static void Header(HtmlWriter w, DriftReport report, string subject)
    {
        w.Open("header").Element("h1", $"Drift report: {subject}");
        string verdict = string.Create(
            CultureInfo.InvariantCulture,
            $"Dataset drift: {ReportFormat.Boolean(report.DatasetDrift)}. {report.DriftedFeatures} of {report.EvaluatedFeatures} evaluated features drifted (share {ReportFormat.Number(report.DriftShare)}, threshold {ReportFormat.Number(report.DriftShareThreshold)}).");
        w.Element("p", verdict, ("class", report.DatasetDrift ? "verdict drift" : "verdict ok"), ("role", "status"));
        w.Open("dl", ("class", "facts"));
        ReportPage.Fact(w, "Model", report.ModelName?.Value ?? "(none: batch comparison)");
        ReportPage.Fact(w, "Version", report.ModelVersion is { } v ? v.ToString(CultureInfo.InvariantCulture) : ReportFormat.NoValue);
        ReportPage.Fact(w, "Created at", ReportFormat.Time(report.CreatedAt));
        ReportPage.Fact(w, "Window start", ReportFormat.Time(report.WindowStart));
        ReportPage.Fact(w, "Reference rows", ReportFormat.Integer(report.ReferenceRows));
        ReportPage.Fact(w, "Current rows", ReportFormat.Integer(report.CurrentRows));
        ReportPage.Fact(w, "p-value correction", report.Correction.ToString());
        ReportPage.Fact(w, "Schema", report.DataQuality.SchemaMismatch ? "differs from the reference" : "matches the reference");
        w.Close("dl");

        // The summary figures again as a table, so that each is tied to its JSON field.
        w.Open("table", ("class", "summary")).Element("caption", "Summary")
            .Raw("<thead><tr><th scope=\"col\">Dataset drift</th><th scope=\"col\">Drifted features</th><th scope=\"col\">Evaluated features</th><th scope=\"col\">Drift share</th><th scope=\"col\">Share threshold</th><th scope=\"col\">Reference rows</th><th scope=\"col\">Current rows</th><th scope=\"col\">Version</th></tr></thead><tbody><tr>")
            .BooleanCell(report.DatasetDrift, "/datasetDrift", report.DatasetDrift ? "drifted" : null)
            .IntegerCell(report.DriftedFeatures, "/driftedFeatures")
            .IntegerCell(report.EvaluatedFeatures, "/evaluatedFeatures")
            .NumberCell(report.DriftShare, "/driftShare")
            .NumberCell(report.DriftShareThreshold, "/driftShareThreshold")
            .IntegerCell(report.ReferenceRows, "/referenceRows")
            .IntegerCell(report.CurrentRows, "/currentRows");
        if (report.ModelVersion is { } version)
        {
            w.IntegerCell(version, "/modelVersion");
        }
        else
        {
            w.Element("td", ReportFormat.NoValue);
        }

        w.Raw("</tr></tbody></table>").Close("header");
    }

    /// <summary>
    /// The served version's permutation feature importance (from the registry, not a number of the report's JSON: its
    /// cells name their place in the importance list, most important first, in <c>data-importance</c> instead of
    /// <c>data-json</c>): a bar per feature, and a table that says which of them drifted in this window, so a drifted
    /// feature the model leans on stands out.
    /// </summary>
    private static void Importance(HtmlWriter w, DriftReport report, IReadOnlyList<FeatureImportance> importance)
    {
        FeatureImportance[] ordered = [.. importance.OrderByDescending(i => i.Mean).ThenBy(i => i.Feature, StringComparer.Ordinal)];
        string version = report.ModelVersion is { } v ? " of version " + v.ToString(CultureInfo.InvariantCulture) : string.Empty;
        w.Open("section", ("aria-labelledby", "importance")).Element("h2", "Feature importance", ("id", "importance"));
        w.Element("p", $"Permutation feature importance{version}, measured on its evaluation data when it was registered: how much {ordered[0].Metric} drops when the feature is shuffled. It comes from the registry and is not part of the report's JSON.", ("class", "muted"));
        FeatureImportance[] charted = ordered.Length <= MaxChartedImportances ? ordered : ordered[..MaxChartedImportances];
        w.Open("figure");
        SvgChart.Importance(
            w,
            "importance-chart",
            charted.Length == ordered.Length ? "Feature importance (mean ± standard deviation)" : $"The {charted.Length} most important of {ordered.Length} features (mean ± standard deviation)",
            [.. charted.Select(i => i.Feature)],
            [.. charted.Select(i => i.Mean)],
            [.. charted.Select(i => i.StdDev)]);
        w.Open("div", ("class", "scroll")).Open("table").Element("caption", "Per feature, most important first: its mean importance and standard deviation, and whether it drifted in this window.")
            .Raw("<thead><tr><th scope=\"col\">Feature</th><th scope=\"col\">Metric</th><th scope=\"col\">Mean</th><th scope=\"col\">Std dev</th><th scope=\"col\">Drifted</th></tr></thead><tbody>");
        for (int i = 0; i < ordered.Length; i++)
        {
            FeatureImportance item = ordered[i];
            FeatureDriftResult? drift = report.Find(item.Feature);
            string pointer = "/" + i.ToString(CultureInfo.InvariantCulture);
            w.Open("tr")
                .Element("th", item.Feature, ("scope", "row"))
                .Element("td", item.Metric)
                .Element("td", ReportFormat.Number(item.Mean), ("class", "num"), ("data-importance", pointer + "/mean"))
                .Element("td", ReportFormat.Number(item.StdDev), ("class", "num"), ("data-importance", pointer + "/stdDev"))
                .Element("td", drift is null ? ReportFormat.NoValue : ReportFormat.Boolean(drift.Drifted), ("class", drift?.Drifted == true ? "drifted" : null))
                .Close("tr");
        }

        w.Raw("</tbody></table>").Close("div").Close("figure").Close("section");
    }

    private static void Features(HtmlWriter w, DriftReport report)
    {
        w.Open("section", ("aria-labelledby", "features")).Element("h2", "Features", ("id", "features"));
        w.Open("div", ("class", "scroll")).Open("table").Element("caption", "Per feature: the method, its statistic, p-value (tests) or distance, the threshold and the verdict.")
            .Raw("<thead><tr>");
        foreach (string column in (ReadOnlySpan<string>)["Feature", "Kind", "Method", "Evaluated", "Statistic", "p-value", "Adjusted p-value", "Score", "Threshold", "Drifted", "Reference values", "Current values"])
        {
            w.Element("th", column, ("scope", "col"));
        }

        w.Raw("</tr></thead><tbody>");
        for (int i = 0; i < report.Features.Count; i++)
        {
            FeatureDriftResult f = report.Features[i];
            string at = "/features/" + i.ToString(CultureInfo.InvariantCulture);
            w.Open("tr").Element("th", f.Feature, ("scope", "row"), ("class", "name"))
                .Element("td", f.Kind.ToString())
                .Element("td", f.Method.ToString())
                .BooleanCell(f.Evaluated, at + "/evaluated")
                .NumberCell(f.Statistic, at + "/statistic")
                .NumberCell(f.PValue, at + "/pValue")
                .NumberCell(f.AdjustedPValue, at + "/adjustedPValue")
                .NumberCell(f.Score, at + "/score")
                .NumberCell(f.Threshold, at + "/threshold")
                .BooleanCell(f.Drifted, at + "/drifted", f.Drifted ? "drifted" : null)
                .IntegerCell(f.ReferenceCount, at + "/referenceCount")
                .IntegerCell(f.CurrentCount, at + "/currentCount")
                .Close("tr");
        }

        w.Raw("</tbody></table></div>").Close("section");
    }

    private static void Quality(HtmlWriter w, DataQualityReport quality)
    {
        w.Open("section", ("aria-labelledby", "quality")).Element("h2", "Data quality", ("id", "quality"));
        NameList(w, "Reference features missing from the current data", quality.MissingFeatures);
        NameList(w, "Current features the reference does not have", quality.UnexpectedFeatures);
        NameList(w, "Features whose kind differs (reference → current)", quality.KindMismatches);
        w.Open("div", ("class", "scroll")).Open("table").Element("caption", "Per compared feature, in the current data.").Raw("<thead><tr>");
        foreach (string column in (ReadOnlySpan<string>)["Feature", "Rows", "Missing", "Missing ratio", "Reference missing ratio", "Infinite", "Out of range", "Out-of-range ratio", "Unseen categories", "Unseen ratio"])
        {
            w.Element("th", column, ("scope", "col"));
        }

        w.Raw("</tr></thead><tbody>");
        for (int i = 0; i < quality.Features.Count; i++)
        {
            FeatureDataQuality q = quality.Features[i];
            string at = "/dataQuality/features/" + i.ToString(CultureInfo.InvariantCulture);
            w.Open("tr").Element("th", q.Feature, ("scope", "row"), ("class", "name"))
                .IntegerCell(q.RowCount, at + "/rowCount")
                .IntegerCell(q.MissingCount, at + "/missingCount")
                .NumberCell(q.MissingRatio, at + "/missingRatio")
                .NumberCell(q.ReferenceMissingRatio, at + "/referenceMissingRatio")
                .IntegerCell(q.InfinityCount, at + "/infinityCount")
                .IntegerCell(q.OutOfRangeCount, at + "/outOfRangeCount")
                .NumberCell(q.OutOfRangeRatio, at + "/outOfRangeRatio")
                .IntegerCell(q.UnseenCategoryCount, at + "/unseenCategoryCount")
                .NumberCell(q.UnseenCategoryRatio, at + "/unseenCategoryRatio")
                .Close("tr");
        }

        w.Raw("</tbody></table></div>").Close("section");
    }

    private static void NameList(HtmlWriter w, string title, IReadOnlyList<string> names)
    {
        w.Open("p").Text(title).Text(": ");
        if (names.Count == 0)
        {
            w.Text("none.").Close("p");
            return;
        }

        w.Close("p").Open("ul", ("class", "compact"));
        foreach (string name in names)
        {
            w.Element("li", name);
        }

        w.Close("ul");
    }

    private static void Distributions(HtmlWriter w, DriftReport report)
    {
        w.Open("section", ("aria-labelledby", "distributions")).Element("h2", "Distributions", ("id", "distributions"));
        w.Element("p", "Reference and current shares of the values each method compared: histogram bins for numbers, categories (or distinct values) otherwise.", ("class", "muted"));
        for (int i = 0; i < report.Features.Count; i++)
        {
            FeatureDriftResult f = report.Features[i];
            string index = i.ToString(CultureInfo.InvariantCulture);
            string at = "/features/" + index + "/distribution";
            w.Open("figure", ("aria-labelledby", "d" + index)).Element("h3", f.Feature, ("id", "d" + index));
            if (f.Distribution is not { Reference.Count: > 0 } d)
            {
                w.Element("p", "No distribution in this report.", ("class", "muted")).Close("figure");
                continue;
            }

            bool histogram = d.Edges.Count > 0;
            string[] labels = histogram
                ? [.. Enumerable.Range(0, d.Reference.Count).Select(b => BinLabel(d.Edges, b))]
                : [.. d.Labels];
            SvgChart.Bars(w, "c" + index, $"{f.Feature}: reference and current shares per {(histogram ? "bin" : "category")}", labels, d.Reference, d.Current);
            w.Open("table").Element("caption", $"{f.Feature}: shares per {(histogram ? "bin" : "category")}").Raw("<thead><tr>");
            if (histogram)
            {
                w.Raw("<th scope=\"col\">From</th><th scope=\"col\">To</th>");
            }
            else
            {
                w.Raw("<th scope=\"col\">Category</th>");
            }

            w.Raw("<th scope=\"col\">Reference share</th><th scope=\"col\">Current share</th></tr></thead><tbody>");
            for (int b = 0; b < d.Reference.Count; b++)
            {
                string bin = b.ToString(CultureInfo.InvariantCulture);
                w.Open("tr");
                if (histogram)
                {
                    w.NumberCell(d.Edges[b], at + "/edges/" + bin).NumberCell(d.Edges[b + 1], at + "/edges/" + (b + 1).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    bool other = d.HasOther && b == d.Labels.Count - 1;
                    w.Element("th", d.Labels[b], ("scope", "row"), ("class", other ? "name other" : "name"), ("title", other ? "Every value not listed above, and values the reference did not record" : null));
                }

                w.NumberCell(d.Reference[b], at + "/reference/" + bin).NumberCell(d.Current[b], at + "/current/" + bin).Close("tr");
            }

            w.Raw("</tbody></table>").Close("figure");
        }

        w.Close("section");
    }

    /// <summary>A short label under a bar (3 significant digits; the table beside the chart has the precise edges).</summary>
    private static string BinLabel(IReadOnlyList<double> edges, int bin) => $"{Short(edges[bin])}–{Short(edges[bin + 1])}";

    private static string Short(double edge) => double.IsInfinity(edge) ? ReportFormat.Number(edge) : edge.ToString("G3", CultureInfo.InvariantCulture);
}
