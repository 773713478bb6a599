using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AngleSharp.Dom;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Tests.Reports;

public class QualityReportHtmlTests
{
    /// <summary>As <c>GET …/quality</c> writes the report (MLOps.AspNetCore's output options).</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// A regression model with two versions and a canary variant, segments (one named hostilely), a history of four
    /// closed windows, current windows, and an undefined metric (r2 of a single pair).
    /// </summary>
    public static ModelQualityReport RegressionReport(string variant = "canary", string segment = "north")
    {
        var settings = new QualitySettings(
            "taxi-duration", QualityTask.Regression, HasScore: false, HasSegments: true, WindowSize: 40, WindowDuration: null,
            StoreCapacity: 100, FeedbackTimeToLive: TimeSpan.FromHours(1), MaxSegments: 10, MinimumSegmentSize: 5);
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 4, 3, 0, 0, TimeSpan.Zero));
        var tracker = new ModelQualityTracker(settings, time, new QualityEvents(NullLogger.Instance), NullLogger.Instance);
        var random = new Random(7);
        string[] segments = [segment, "south", "east"];
        void Feed(int version, string v, int count, double error)
        {
            for (int i = 0; i < count; i++)
            {
                double actual = 300 + (random.NextDouble() * 600);
                time.Advance(TimeSpan.FromSeconds(1));
                tracker.Join(new ModelVersion(version), v, actual + ((random.NextDouble() - 0.3) * error * (i % 3 + 1)), double.NaN, null, segments[i % 3], actual, null);
            }
        }

        Feed(1, "primary", (3 * 40) + 25, 40);   // three closed windows (the history), a current one
        Feed(2, "primary", 40 + 12, 25);
        Feed(2, variant, 1, 10);            // current window of a single pair: r2 undefined
        return tracker.GetLatest();
    }

    [Fact]
    public void ToHtml_EveryNumberInTheTables_EqualsTheJson()
    {
        ModelQualityReport report = RegressionReport();
        Assert.Contains(report.Current, w => w.UndefinedMetrics.ContainsKey(QualityMetricNames.R2));

        string html = report.ToHtml();

        int compared = HtmlReport.AssertNumbersMatchJson(html, JsonSerializer.Serialize(report, Json));
        int windows = report.Closed.Count + report.Current.Count;
        Assert.Equal(4, report.History.Count);
        Assert.True(compared > 4 + (windows * 5) + (report.History.Count * 4), $"Only {compared} cells compared.");
        Assert.All(
            Enumerable.Range(0, report.History.Count),
            i => Assert.NotEmpty(HtmlReport.Parse(html).QuerySelectorAll($"[data-json='/history/{i}/metrics/mae']")));
        IDocument document = HtmlReport.Parse(html);
        Assert.Equal(windows, document.QuerySelectorAll("section[aria-labelledby=windows] tbody tr").Length);
        Assert.Contains("undefined", document.QuerySelector("section[aria-labelledby=windows]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_DrawsMetricLinesPerVersionAndVariantAndPerSegment()
    {
        ModelQualityReport report = RegressionReport();

        IDocument document = HtmlReport.Parse(report.ToHtml());

        IElement[] lines = [.. document.QuerySelectorAll("section[aria-labelledby=lines] figure")];
        Assert.Equal(["r2", "rmse", "mae", "mape"], lines.Select(f => f.QuerySelector("h3")!.TextContent));
        IElement mae = lines[2];
        // The history (three windows of v1 primary, one of v2 primary, oldest first), then the three current windows.
        Assert.Equal(7, mae.QuerySelectorAll("svg circle").Length);
        Assert.Equal(
            ["version 1, primary", "version 1, primary", "version 1, primary", "version 2, primary", "version 2, canary", "version 2, primary", "version 1, primary"],
            mae.QuerySelectorAll("tbody th").Select(th => th.TextContent));
        Assert.Equal(
            ["closed", "closed", "closed", "closed", "current", "current", "current"],
            mae.QuerySelectorAll("tbody tr").Select(tr => tr.QuerySelectorAll("td")[0].TextContent));
        // One line per version and variant, joined across the other series' windows: v1 primary has four points, v2 primary two.
        Assert.Equal(4, mae.QuerySelectorAll("svg polyline.s2").Single().GetAttribute("points")!.Split(' ').Length);
        Assert.Equal(2, mae.QuerySelectorAll("svg polyline.s1").Single().GetAttribute("points")!.Split(' ').Length);
        Assert.NotEmpty(document.QuerySelectorAll("section[aria-labelledby=segments] figure svg polyline"));
    }

    [Fact]
    public void ToHtml_LoadsNothingAndIsAccessible()
    {
        string html = RegressionReport().ToHtml();

        HtmlReport.AssertLoadsNothing(html);
        HtmlReport.AssertAccessible(html);
    }

    [Fact]
    public void ToHtml_HostileVariantAndSegment_AreEncoded()
    {
        const string Variant = "<script>alert(\"v\")</script>";
        string segment = "seg'<img src=x onerror=alert(1)>\uD83D";
        ModelQualityReport report = RegressionReport(Variant, segment);

        string html = report.ToHtml();

        HtmlReport.AssertEncodable(html);
        HtmlReport.AssertLoadsNothing(html);
        IDocument document = HtmlReport.Parse(html);
        Assert.Empty(document.QuerySelectorAll("script, img"));
        Assert.Contains(document.QuerySelectorAll("td.name"), td => td.TextContent == Variant);
        Assert.Contains(document.QuerySelectorAll("th.name"), th => th.TextContent == "seg'<img src=x onerror=alert(1)>\uFFFD");
        HtmlReport.AssertNumbersMatchJson(html, JsonSerializer.Serialize(report, Json));
    }

    [Fact]
    public void ToHtml_UnderGermanCulture_WritesInvariantNumbers()
    {
        ModelQualityReport report = RegressionReport();
        CultureInfo saved = CultureInfo.CurrentCulture;
        string invariant, german;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = report.ToHtml();
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            german = report.ToHtml();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Equal(invariant, german);
        HtmlReport.AssertNumbersMatchJson(german, JsonSerializer.Serialize(report, Json));
    }

    [Fact]
    public void ToHtml_NoFeedbackYet_SaysSo()
    {
        var settings = new QualitySettings("m", QualityTask.BinaryClassification, false, false, 10, null, 10, TimeSpan.FromHours(1), 10, 5);
        var tracker = new ModelQualityTracker(settings, new FakeTimeProvider(), new QualityEvents(NullLogger.Instance), NullLogger.Instance);

        string html = tracker.GetLatest().ToHtml();

        Assert.Contains("No labelled predictions yet", html, StringComparison.Ordinal);
        HtmlReport.AssertLoadsNothing(html);
        HtmlReport.AssertAccessible(html);
    }

    [Fact]
    public void ToHtml_HundredSegments_StaysSmall()
    {
        var settings = new QualitySettings(
            "m", QualityTask.BinaryClassification, HasScore: true, HasSegments: true, WindowSize: 2000, WindowDuration: null,
            StoreCapacity: 100, FeedbackTimeToLive: TimeSpan.FromHours(1), MaxSegments: 100, MinimumSegmentSize: 5);
        var tracker = new ModelQualityTracker(settings, new FakeTimeProvider(), new QualityEvents(NullLogger.Instance), NullLogger.Instance);
        var random = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            double actual = random.Next(2);
            double score = Math.Clamp(actual * 0.6 + random.NextDouble() * 0.4, 0, 1);
            tracker.Join(new ModelVersion(1), "primary", score > 0.5 ? 1 : 0, score, null, "segment-" + (i % 150).ToString(CultureInfo.InvariantCulture), actual, null);
        }

        ModelQualityReport report = tracker.GetLatest();
        string html = report.ToHtml();

        Assert.Equal(100, report.Closed[0].Segments.Count);   // 99 and "(other)"
        Assert.True(html.Length < 400_000, $"The report is {html.Length} characters.");
        HtmlReport.AssertNumbersMatchJson(html, JsonSerializer.Serialize(report, Json));
        Assert.All(HtmlReport.Parse(html).QuerySelectorAll("svg"), svg => Assert.True(svg.QuerySelectorAll("polyline").Length <= 8));
    }

    [Fact]
    public async Task SaveHtmlAsync_WritesTheHtml()
    {
        ModelQualityReport report = RegressionReport();
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "quality.html");

        await report.SaveHtmlAsync(path, CancellationToken.None);

        Assert.Equal(report.ToHtml(), await File.ReadAllTextAsync(path, CancellationToken.None));
    }
}
