using AngleSharp.Dom;
using MLOps.Monitoring.Drift;

namespace MLOps.Monitoring.Tests.Reports;

/// <summary>The feature importance section of the drift report: a bar per feature, a table tying importance to drift.</summary>
public class DriftReportImportanceTests
{
    private static readonly FeatureImportance[] Importance =
    [
        new("rooms", "r2", 0.05, 0.01),
        new("amount", "r2", 0.6, 0.04),
        new("unused <b>", "r2", -0.002, 0),
    ];

    [Fact]
    public void ToHtml_WithImportance_DrawsABarPerFeatureAndSaysWhichDrifted()
    {
        DriftReport report = DriftReportHtmlTests.MixedReport(300) with { ModelName = ModelName.Parse("house"), ModelVersion = 3 };

        string html = report.ToHtml(Importance);

        IDocument document = HtmlReport.Parse(html);
        IElement section = document.QuerySelector("section[aria-labelledby=importance]")!;
        Assert.Contains("version 3", section.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, section.QuerySelectorAll("svg rect.cur").Length);
        Assert.Equal(2, section.QuerySelectorAll("svg line.whisker").Length);   // no whisker for a zero deviation
        IElement[] rows = [.. section.QuerySelectorAll("tbody tr")];
        Assert.Equal(["amount", "rooms", "unused <b>"], rows.Select(r => r.QuerySelector("th")!.TextContent));
        Assert.Equal(report.Find("amount")!.Drifted ? "yes" : "no", rows[0].QuerySelectorAll("td")[3].TextContent);
        Assert.Equal("–", rows[2].QuerySelectorAll("td")[3].TextContent);   // not a feature of the report
        Assert.Equal("0.6", rows[0].QuerySelector("td[data-importance='/0/mean']")!.TextContent);
        Assert.Equal("0.04", rows[0].QuerySelector("td[data-importance='/0/stdDev']")!.TextContent);
        Assert.Equal("-0.002", rows[2].QuerySelector("td[data-importance='/2/mean']")!.TextContent);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        HtmlReport.AssertLoadsNothing(html);
        HtmlReport.AssertAccessible(html);
        section.Remove();   // every other number is still the report's JSON
        HtmlReport.AssertNumbersMatchJson(document.DocumentElement.OuterHtml, report.ToJson());
    }

    [Fact]
    public void ToHtml_WithoutImportance_HasNoSection()
    {
        DriftReport report = DriftReportHtmlTests.MixedReport(300);

        Assert.Null(HtmlReport.Parse(report.ToHtml([])).QuerySelector("section[aria-labelledby=importance]"));
        Assert.Null(HtmlReport.Parse(report.ToHtml(null)).QuerySelector("section[aria-labelledby=importance]"));
        Assert.Equal(report.ToHtml(), report.ToHtml(null));
    }

    [Fact]
    public void ToHtml_ManyFeatures_ChartsTheMostImportantAndListsAll()
    {
        DriftReport report = DriftReportHtmlTests.MixedReport(300);
        FeatureImportance[] many = [.. Enumerable.Range(0, 100).Select(i => new FeatureImportance("f" + i, "accuracy", i / 100.0, 0.001))];

        IElement section = HtmlReport.Parse(report.ToHtml(many)).QuerySelector("section[aria-labelledby=importance]")!;

        Assert.Equal(40, section.QuerySelectorAll("svg rect.cur").Length);
        Assert.Equal(100, section.QuerySelectorAll("tbody tr").Length);
        Assert.Equal("f99", section.QuerySelector("tbody tr th")!.TextContent);
    }
}
