using System.Globalization;
using AngleSharp.Dom;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Reports;

public class DriftReportHtmlTests
{
    private static readonly string[] Colors = ["red", "green", "blue", "yellow"];
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero));

    /// <summary>
    /// Numeric (continuous and discrete), categorical and boolean features, one with missing values, one not evaluated
    /// (every current value missing: NaN statistic) and one absent from the current data.
    /// </summary>
    public static DriftReport MixedReport(int referenceRows, MultipleTestingCorrection correction = MultipleTestingCorrection.None)
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns(
            [
                new("amount", Synthetic.Normal(referenceRows, 1)),
                new("rooms", Synthetic.Discrete(referenceRows, 2, [1, 2, 3, 4])),
                new("active", Synthetic.Booleans(referenceRows, 3, 0.3)),
                new("sensor", Synthetic.Normal(referenceRows, 4)),
                new("gone", Synthetic.Normal(referenceRows, 5)),
            ],
            [new("color", Synthetic.Categories(referenceRows, 6, Colors))]);
        int n = 400;
        double[] amount = Synthetic.Normal(n, 11, mean: 0.8);
        for (int i = 0; i < n; i += 10)
        {
            amount[i] = double.NaN;   // missing values
        }

        return DriftDetector.CompareColumns(
            reference,
            [
                new("amount", amount),
                new("rooms", Synthetic.Discrete(n, 12, [1, 2, 3, 4, 5])),
                new("active", Synthetic.Booleans(n, 13, 0.6)),
                new("sensor", [.. Enumerable.Repeat(double.NaN, n)]),
            ],
            [new("color", Synthetic.Categories(n, 14, ["red", "green", "purple"]))],
            new DriftOptions { Correction = correction },
            Clock);
    }

    [Theory]
    [InlineData(300, MultipleTestingCorrection.None)]
    [InlineData(300, MultipleTestingCorrection.Bonferroni)]
    [InlineData(5000, MultipleTestingCorrection.BenjaminiHochberg)]
    public void ToHtml_EveryNumberInTheTables_EqualsTheJson(int referenceRows, MultipleTestingCorrection correction)
    {
        DriftReport report = MixedReport(referenceRows, correction);
        Assert.False(report.Find("sensor")!.Evaluated);
        Assert.True(double.IsNaN(report.Find("sensor")!.Statistic));
        Assert.Contains("gone", report.DataQuality.MissingFeatures);

        string html = report.ToHtml();

        int compared = HtmlReport.AssertNumbersMatchJson(html, report.ToJson());
        // Summary (8) + 10 per feature (9 values and a boolean) + 9 per data-quality row + 4 per histogram bin or category at least.
        Assert.True(compared >= 8 + (10 * report.Features.Count) + (9 * report.DataQuality.Features.Count) + (4 * report.Features.Count), $"Only {compared} cells compared.");
        IDocument document = HtmlReport.Parse(html);
        Assert.Equal("–", document.QuerySelector("td[data-json='/features/3/statistic']")!.TextContent);
        Assert.Equal(report.Features.Count, document.QuerySelectorAll("section[aria-labelledby=distributions] figure").Length);
    }

    [Fact]
    public void ToHtml_ShowsVerdictModelVersionWindowAndCreatedAt()
    {
        DriftReport report = MixedReport(300) with
        {
            ModelName = ModelName.Parse("house-price"),
            ModelVersion = 7,
            WindowStart = new DateTimeOffset(2031, 5, 4, 2, 0, 0, TimeSpan.Zero),
        };

        IDocument document = HtmlReport.Parse(report.ToHtml());

        string header = document.QuerySelector("header")!.TextContent;
        Assert.Contains("Drift report: house-price", document.Title, StringComparison.Ordinal);
        Assert.Contains($"Dataset drift: {(report.DatasetDrift ? "yes" : "no")}", header, StringComparison.Ordinal);
        Assert.Contains("2031-05-04 03:02:01 UTC", header, StringComparison.Ordinal);
        Assert.Contains("2031-05-04 02:00:00 UTC", header, StringComparison.Ordinal);
        Assert.Equal("7", document.QuerySelector("td[data-json='/modelVersion']")!.TextContent);
        Assert.Equal(report.ReferenceRows.ToString(CultureInfo.InvariantCulture), document.QuerySelector("td[data-json='/referenceRows']")!.TextContent);
    }

    [Fact]
    public void ToHtml_LoadsNothingAndIsAccessible()
    {
        string html = MixedReport(300).ToHtml();

        HtmlReport.AssertLoadsNothing(html);
        HtmlReport.AssertAccessible(html);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_HostileNamesAndCategories_AreEncodedNeverMarkup()
    {
        const string Script = "<script>alert('x')</script>";
        const string Quotes = "\"double\" & 'single' </td>";
        string lone = "lone\uD800surrogate";
        ReferenceProfile reference = ReferenceProfile.FromColumns(
            [new(Script, Synthetic.Normal(200, 1))],
            [new(Quotes, Synthetic.Categories(200, 2, ["<b>bold</b>", "a\"b", "x\uDC00y"])), new(lone, Synthetic.Categories(200, 3, ["<img src=x>", "ok"]))]);

        DriftReport report = DriftDetector.CompareColumns(
            reference,
            [new(Script, Synthetic.Normal(100, 4))],
            [new(Quotes, Synthetic.Categories(100, 5, ["<b>bold</b>", "<svg onload=alert(1)>"])), new(lone, Synthetic.Categories(100, 6, ["<img src=x>"]))]);
        string html = report.ToHtml();

        HtmlReport.AssertEncodable(html);
        HtmlReport.AssertLoadsNothing(html);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        IDocument document = HtmlReport.Parse(html);
        Assert.Empty(document.QuerySelectorAll("b, img, td svg, script"));
        string[] rowNames = [.. document.QuerySelectorAll("#features ~ div table tbody th").Select(th => th.TextContent)];
        Assert.Equal([Script, Quotes, "lone\uFFFDsurrogate"], rowNames);
        string categories = string.Join('|', document.QuerySelectorAll("section[aria-labelledby=distributions] table tbody th").Select(th => th.TextContent));
        Assert.Contains("<b>bold</b>", categories, StringComparison.Ordinal);
        Assert.Contains("a\"b", categories, StringComparison.Ordinal);
        Assert.Contains("x\uFFFDy", categories, StringComparison.Ordinal);
        Assert.Contains("<img src=x>", categories, StringComparison.Ordinal);
        HtmlReport.AssertNumbersMatchJson(html, report.ToJson());
    }

    [Fact]
    public void ToHtml_MillionRowsAndFiveHundredCategories_StaysSmall()
    {
        const int Rows = 1_000_000;
        string[] many = [.. Enumerable.Range(0, 500).Select(i => "category-" + i.ToString("D3", CultureInfo.InvariantCulture))];
        ReferenceProfile reference = ReferenceProfile.FromColumns(
            [new("amount", Synthetic.Normal(Rows, 1))],
            [new("kind", Synthetic.Categories(Rows, 2, many))],
            new ProfileOptions { MaxCategories = 1000, BinCount = 200 });

        DriftReport report = DriftDetector.CompareColumns(reference, [new("amount", Synthetic.Normal(Rows, 3, mean: 0.1))], [new("kind", Synthetic.Categories(Rows, 4, many))]);
        string html = report.ToHtml();

        FeatureDistribution kind = report.Find("kind")!.Distribution!;
        Assert.Equal(FeatureDistribution.MaxCategories + 1, kind.Labels.Count);
        Assert.True(kind.HasOther);
        Assert.True(report.Find("amount")!.Distribution!.Reference.Count <= FeatureDistribution.MaxBins);
        Assert.True(html.Length < 120_000, $"The report is {html.Length} characters.");
        Assert.True(report.ToJson().Length < 20_000, $"The JSON is {report.ToJson().Length} characters.");
        HtmlReport.AssertNumbersMatchJson(html, report.ToJson());
    }

    [Fact]
    public void ToHtml_UnderGermanCulture_WritesInvariantNumbers()
    {
        DriftReport report = MixedReport(300);
        string invariant = WithCulture(CultureInfo.InvariantCulture, report.ToHtml);

        string german = WithCulture(CultureInfo.GetCultureInfo("de-DE"), report.ToHtml);

        Assert.Equal(invariant, german);
        WithCulture(CultureInfo.GetCultureInfo("de-DE"), () => HtmlReport.AssertNumbersMatchJson(german, report.ToJson()));
        Assert.Matches(@"data-json=""/driftShareThreshold"">0\.5<", german);
    }

    [Fact]
    public async Task SaveHtmlAsync_WritesTheHtmlAsUtf8()
    {
        DriftReport report = MixedReport(300);
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "drift.html");

        await report.SaveHtmlAsync(path, CancellationToken.None);

        byte[] bytes = await File.ReadAllBytesAsync(path, CancellationToken.None);
        Assert.NotEqual(0xEF, bytes[0]);   // no byte order mark
        Assert.Equal(report.ToHtml(), System.Text.Encoding.UTF8.GetString(bytes));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => report.SaveHtmlAsync(" ", CancellationToken.None));
    }

    private static T WithCulture<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
