using System.Globalization;
using MLOps.Monitoring.Quality;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>
/// Renders a <see cref="ModelQualityReport"/> as one self-contained HTML page. Every number in its tables is a number
/// of the report's JSON (as <c>GET …/quality</c> writes it: camelCase), named by a JSON Pointer in <c>data-json</c>.
/// </summary>
internal static class QualityReportHtml
{
    /// <summary>The most segments drawn as lines in one chart (the largest; the tables list them all).</summary>
    private const int MaxSegmentLines = SvgChart.MaxSeries;

    private static readonly string[] MetricOrder =
    [
        QualityMetricNames.R2, QualityMetricNames.Rmse, QualityMetricNames.Mae, QualityMetricNames.Mape,
        QualityMetricNames.Accuracy, QualityMetricNames.Precision, QualityMetricNames.Recall, QualityMetricNames.F1,
        QualityMetricNames.RocAuc, QualityMetricNames.LogLoss, QualityMetricNames.MacroF1, QualityMetricNames.MicroF1,
    ];

    private static readonly string[] Positions = ["latest closed", "current"];

    public static string Render(ModelQualityReport report)
    {
        var w = new HtmlWriter();
        ReportPage.Begin(w, $"Model quality report: {report.ModelName.Value}");
        List<Window> windows = Windows(report);
        List<Window> timeline = Timeline(report);
        List<(int Version, string Variant)> series = [.. windows.Concat(timeline).Select(x => (x.Quality.ModelVersion.Number, x.Quality.Variant)).Distinct()];
        string[] metrics = MetricNames(windows.Concat(timeline).SelectMany(x => x.Quality.Metrics.Keys.Concat(x.Quality.UndefinedMetrics.Keys)));
        Header(w, report);
        w.Open("main");
        WindowTable(w, windows, metrics);
        MetricLines(w, timeline, series, metrics);
        Segments(w, windows, series, metrics);
        w.Close("main");
        ReportPage.End(w);
        return w.ToString();
    }

    private static void Header(HtmlWriter w, ModelQualityReport report)
    {
        w.Open("header").Element("h1", $"Model quality report: {report.ModelName.Value}");
        w.Open("dl", ("class", "facts"));
        ReportPage.Fact(w, "Model", report.ModelName.Value);
        ReportPage.Fact(w, "Task", report.Task.ToString());
        ReportPage.Fact(w, "Latest closed windows", ReportFormat.Integer(report.Closed.Count));
        ReportPage.Fact(w, "Open windows", report.IsFleetFollower ? "on the fleet's leader only" : ReportFormat.Integer(report.Current.Count));
        ReportPage.Fact(w, "Closed windows in the history", ReportFormat.Integer(report.History.Count));
        w.Close("dl");
        if (report.IsFleetFollower)
        {
            w.Element("p", "This replica follows the fleet's leader: the closed windows are those the leader published for the whole fleet; the current (open) windows are kept only on the leader, so none are shown here.");
        }

        w.Open("table", ("class", "summary")).Element("caption", "Feedback since the process started")
            .Raw("<thead><tr><th scope=\"col\">Joined</th><th scope=\"col\">Late</th><th scope=\"col\">Duplicate</th><th scope=\"col\">Invalid</th></tr></thead><tbody><tr>")
            .IntegerCell(report.JoinedFeedback, "/joinedFeedback")
            .IntegerCell(report.LateFeedback, "/lateFeedback")
            .IntegerCell(report.DuplicateFeedback, "/duplicateFeedback")
            .IntegerCell(report.InvalidFeedback, "/invalidFeedback")
            .Raw("</tr></tbody></table>").Close("header");
    }

    private static void WindowTable(HtmlWriter w, List<Window> windows, string[] metrics)
    {
        w.Open("section", ("aria-labelledby", "windows")).Element("h2", "Windows", ("id", "windows"));
        if (windows.Count == 0)
        {
            w.Element("p", "No labelled predictions yet: no window has started.").Close("section");
            return;
        }

        w.Open("div", ("class", "scroll")).Open("table").Element("caption", "The latest closed and the current window of each version and variant.").Raw("<thead><tr>");
        foreach (string column in (string[])["Version", "Variant", "Window", "Start", "End", "Labelled", "Skipped", "Late", .. metrics])
        {
            w.Element("th", column, ("scope", "col"));
        }

        w.Raw("</tr></thead><tbody>");
        foreach (Window x in windows)
        {
            QualityWindow q = x.Quality;
            w.Open("tr").IntegerCell(q.ModelVersion.Number, x.Pointer + "/modelVersion")
                .Element("td", q.Variant, ("class", "name"))
                .Element("td", q.IsClosed ? "closed" : "current")
                .Open("td").Element("time", ReportFormat.Time(q.Start), ("datetime", ReportFormat.IsoTime(q.Start))).Close("td")
                .Open("td").Element("time", ReportFormat.Time(q.End), ("datetime", ReportFormat.IsoTime(q.End))).Close("td")
                .IntegerCell(q.Count, x.Pointer + "/count")
                .IntegerCell(q.Skipped, x.Pointer + "/skipped")
                .IntegerCell(q.LateFeedback, x.Pointer + "/lateFeedback");
            MetricCells(w, q.Metrics, q.UndefinedMetrics, metrics, x.Pointer);
            w.Close("tr");
        }

        w.Raw("</tbody></table></div>");
        var undefined = windows.SelectMany(x => x.Quality.UndefinedMetrics.Select(u => (x, u.Key, u.Value))).ToList();
        if (undefined.Count > 0)
        {
            w.Element("h3", "Undefined metrics").Open("ul", ("class", "compact"));
            foreach ((Window x, string metric, string reason) in undefined)
            {
                w.Element("li", $"{x.Title}: {metric}: {reason}");
            }

            w.Close("ul");
        }

        w.Close("section");
    }

    private static void MetricLines(HtmlWriter w, List<Window> timeline, List<(int Version, string Variant)> series, string[] metrics)
    {
        if (timeline.Count == 0 || metrics.Length == 0)
        {
            return;
        }

        w.Open("section", ("aria-labelledby", "lines")).Element("h2", "Metrics over windows", ("id", "lines"));
        w.Element("p", "Per version and variant, the recent closed windows (the report's history, oldest first) and the current one, in the order they end.", ("class", "muted"));
        string[] positions = [.. timeline.Select(x => x.Quality.IsClosed ? x.Quality.End.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "current")];
        for (int m = 0; m < metrics.Length; m++)
        {
            string metric = metrics[m];
            var lines = series.Select(s => (SeriesName(s), Points(timeline, s, metric))).ToList();
            string id = "m" + m.ToString(CultureInfo.InvariantCulture);
            w.Open("figure", ("aria-labelledby", id + "h")).Element("h3", metric, ("id", id + "h"));
            SvgChart.Lines(w, id, $"{metric} of each version and variant over the recent closed windows and the current one", positions, [.. lines.Take(SvgChart.MaxSeries)], joinGaps: true);
            TimelineTable(w, $"{metric} per window, oldest first", timeline, metric);
            w.Close("figure");
        }

        w.Close("section");
    }

    /// <summary>A table of a metric line chart's points: one row per window, in the chart's order.</summary>
    private static void TimelineTable(HtmlWriter w, string caption, List<Window> timeline, string metric)
    {
        w.Open("table").Element("caption", caption)
            .Raw("<thead><tr><th scope=\"col\">Version / variant</th><th scope=\"col\">Window</th><th scope=\"col\">End</th>")
            .Element("th", metric, ("scope", "col")).Raw("</tr></thead><tbody>");
        foreach (Window x in timeline)
        {
            QualityWindow q = x.Quality;
            w.Open("tr").Element("th", SeriesName((q.ModelVersion.Number, q.Variant)), ("scope", "row"), ("class", "name"))
                .Element("td", q.IsClosed ? "closed" : "current")
                .Open("td").Element("time", ReportFormat.Time(q.End), ("datetime", ReportFormat.IsoTime(q.End))).Close("td");
            MetricCells(w, q.Metrics, q.UndefinedMetrics, [metric], x.Pointer);
            w.Close("tr");
        }

        w.Raw("</tbody></table>");
    }

    private static void Segments(HtmlWriter w, List<Window> windows, List<(int Version, string Variant)> series, string[] metrics)
    {
        if (!windows.Any(x => x.Quality.Segments.Count > 0))
        {
            return;
        }

        w.Open("section", ("aria-labelledby", "segments")).Element("h2", "Segments", ("id", "segments"));
        int chart = 0;
        foreach ((int Version, string Variant) s in series)
        {
            Window?[] pair = Pair(windows, s);
            if (!pair.Any(x => x?.Quality.Segments.Count > 0))
            {
                continue;
            }

            w.Element("h3", $"Segments of {SeriesName(s)}");
            foreach (Window x in pair.OfType<Window>().Where(x => x.Quality.Segments.Count > 0))
            {
                SegmentTable(w, x, metrics);
            }

            // The largest segments of the latest window, as lines over the two windows.
            string[] names = [.. pair.OfType<Window>().Last().Quality.Segments.Take(MaxSegmentLines).Select(g => g.Segment)];
            foreach (string metric in metrics)
            {
                var lines = names.Select(name => (name, pair.Select(x => SegmentValue(x, name, metric)).ToArray())).ToList();
                if (lines.All(l => l.Item2.All(v => v is null)))
                {
                    continue;
                }

                string id = "g" + (chart++).ToString(CultureInfo.InvariantCulture);
                w.Open("figure", ("aria-labelledby", id + "h")).Element("h4", $"{metric} by segment ({SeriesName(s)})", ("id", id + "h"));
                SvgChart.Lines(w, id, $"{metric} of the largest segments of {SeriesName(s)}, latest closed and current window", Positions, lines);
                PointTable(w, $"{metric} by segment", "Segment", names.Select(name => (name, pair)), metric, name => name);
                w.Close("figure");
            }
        }

        w.Close("section");
    }

    private static void SegmentTable(HtmlWriter w, Window x, string[] metrics)
    {
        QualityWindow q = x.Quality;
        w.Open("div", ("class", "scroll")).Open("table").Element("caption", $"{x.Title}: metrics per segment, largest first").Raw("<thead><tr>");
        foreach (string column in (string[])["Segment", "Labelled", .. metrics])
        {
            w.Element("th", column, ("scope", "col"));
        }

        w.Raw("</tr></thead><tbody>");
        for (int i = 0; i < q.Segments.Count; i++)
        {
            SegmentQuality g = q.Segments[i];
            string at = x.Pointer + "/segments/" + i.ToString(CultureInfo.InvariantCulture);
            w.Open("tr").Element("th", g.Segment, ("scope", "row"), ("class", "name")).IntegerCell(g.Count, at + "/count");
            MetricCells(w, g.Metrics, g.UndefinedMetrics, metrics, at);
            w.Close("tr");
        }

        w.Raw("</tbody></table></div>");
        if (q.SegmentRatios.Count > 0)
        {
            w.Open("table").Element("caption", $"{x.Title}: smallest over largest segment value (1 = every segment performs the same)")
                .Raw("<thead><tr><th scope=\"col\">Metric</th><th scope=\"col\">Segment ratio</th></tr></thead><tbody>");
            foreach (string metric in MetricNames(q.SegmentRatios.Keys))
            {
                w.Open("tr").Element("th", metric, ("scope", "row"))
                    .NumberCell(q.SegmentRatios[metric], x.Pointer + "/segmentRatios/" + HtmlWriter.PointerSegment(metric)).Close("tr");
            }

            w.Raw("</tbody></table>");
        }
    }

    /// <summary>A table of the chart's points: one row per line, the latest closed and the current value.</summary>
    private static void PointTable(HtmlWriter w, string caption, string rowHeader, IEnumerable<(string Name, Window?[] Pair)> rows, string metric, Func<string, string>? segment)
    {
        w.Open("table").Element("caption", caption).Open("thead").Open("tr").Element("th", rowHeader, ("scope", "col"));
        foreach (string position in Positions)
        {
            w.Element("th", position, ("scope", "col"));
        }

        w.Raw("</tr></thead><tbody>");
        foreach ((string name, Window?[] pair) in rows)
        {
            w.Open("tr").Element("th", name, ("scope", "row"), ("class", "name"));
            foreach (Window? x in pair)
            {
                (IReadOnlyDictionary<string, double>? values, IReadOnlyDictionary<string, string>? undefined, string? at) = x is null ? (null, null, null)
                    : segment is null ? (x.Quality.Metrics, x.Quality.UndefinedMetrics, x.Pointer)
                    : SegmentOf(x, segment(name)) is (SegmentQuality g, int i) ? (g.Metrics, g.UndefinedMetrics, x.Pointer + "/segments/" + i.ToString(CultureInfo.InvariantCulture))
                    : (null, null, null);
                if (values is null || undefined is null)
                {
                    w.Element("td", ReportFormat.NoValue);
                }
                else
                {
                    MetricCells(w, values, undefined, [metric], at!);
                }
            }

            w.Close("tr");
        }

        w.Raw("</tbody></table>");
    }

    private static void MetricCells(HtmlWriter w, IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, string> undefined, string[] metrics, string at)
    {
        foreach (string metric in metrics)
        {
            if (values.TryGetValue(metric, out double value))
            {
                w.NumberCell(value, at + "/metrics/" + HtmlWriter.PointerSegment(metric));
            }
            else if (undefined.TryGetValue(metric, out string? reason))
            {
                w.Element("td", "undefined", ("class", "muted"), ("title", reason));
            }
            else
            {
                w.Element("td", ReportFormat.NoValue);
            }
        }
    }

    private static List<Window> Windows(ModelQualityReport report)
    {
        var windows = new List<Window>();
        for (int i = 0; i < report.Closed.Count; i++)
        {
            windows.Add(new Window(report.Closed[i], "/closed/" + i.ToString(CultureInfo.InvariantCulture)));
        }

        for (int i = 0; i < report.Current.Count; i++)
        {
            windows.Add(new Window(report.Current[i], "/current/" + i.ToString(CultureInfo.InvariantCulture)));
        }

        // Newest version first, then variant, then the closed window before the current one.
        return [.. windows.OrderByDescending(x => x.Quality.ModelVersion.Number).ThenBy(x => x.Quality.Variant, StringComparer.Ordinal).ThenBy(x => x.Quality.IsClosed ? 0 : 1)];
    }

    /// <summary>The history (oldest first) and then the current windows: the x axis of the metric lines.</summary>
    private static List<Window> Timeline(ModelQualityReport report)
    {
        var timeline = new List<Window>(report.History.Count + report.Current.Count);
        for (int i = 0; i < report.History.Count; i++)
        {
            timeline.Add(new Window(report.History[i], "/history/" + i.ToString(CultureInfo.InvariantCulture)));
        }

        // A current window ends after every closed one: at the snapshot (count windows) or at its interval end (time windows).
        timeline.AddRange(Enumerable.Range(0, report.Current.Count)
            .Select(i => new Window(report.Current[i], "/current/" + i.ToString(CultureInfo.InvariantCulture)))
            .OrderBy(x => x.Quality.End));
        return timeline;
    }

    /// <summary>The latest closed and the current window of one version and variant (either may be missing).</summary>
    private static Window?[] Pair(List<Window> windows, (int Version, string Variant) s)
    {
        Window? Find(bool closed) => windows.Find(x => x.Quality.ModelVersion.Number == s.Version && x.Quality.Variant == s.Variant && x.Quality.IsClosed == closed);
        return [Find(closed: true), Find(closed: false)];
    }

    /// <summary>The series' metric at each position of the timeline (null at the other series' windows).</summary>
    private static double?[] Points(List<Window> timeline, (int Version, string Variant) s, string metric) =>
        [.. timeline.Select(x => x.Quality.ModelVersion.Number == s.Version && x.Quality.Variant == s.Variant && x.Quality.Metrics.TryGetValue(metric, out double v) ? v : (double?)null)];

    private static double? SegmentValue(Window? x, string segment, string metric) =>
        x is not null && SegmentOf(x, segment) is (SegmentQuality g, _) && g.Metrics.TryGetValue(metric, out double v) ? v : null;

    private static (SegmentQuality Segment, int Index)? SegmentOf(Window x, string segment)
    {
        for (int i = 0; i < x.Quality.Segments.Count; i++)
        {
            if (x.Quality.Segments[i].Segment == segment)
            {
                return (x.Quality.Segments[i], i);
            }
        }

        return null;
    }

    private static string SeriesName((int Version, string Variant) s) =>
        string.Create(CultureInfo.InvariantCulture, $"version {s.Version}, {s.Variant}");

    private static string[] MetricNames(IEnumerable<string> names) =>
        [.. names.Distinct(StringComparer.Ordinal)
            .OrderBy(n => Array.IndexOf(MetricOrder, n) is int k and >= 0 ? k : MetricOrder.Length)
            .ThenBy(n => n, StringComparer.Ordinal)];

    private sealed record Window(QualityWindow Quality, string Pointer)
    {
        public string Title => string.Create(
            CultureInfo.InvariantCulture,
            $"version {Quality.ModelVersion.Number}, {Quality.Variant}, {(Quality.IsClosed ? "latest closed" : "current")} window");
    }
}
