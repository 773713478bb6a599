using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Reports;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class FeatureDistributionTests
{
    [Fact]
    public void Compare_Categories_SharesAreTheCountsOverTheTotal()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", ["red", "red", "red", "blue", null])]);

        DriftReport report = DriftDetector.CompareColumns(reference, [], [new("color", ["red", "blue", "blue", "green", null])]);

        FeatureDistribution d = report.Find("color")!.Distribution!;
        Assert.Empty(d.Edges);
        Assert.Equal(["blue", "red", FeatureDistribution.OtherLabel], d.Labels);   // ordinal order, then the unseen "green"
        Assert.True(d.HasOther);
        Assert.Equal([0.25, 0.75, 0], d.Reference);
        Assert.Equal([0.5, 0.25, 0.25], d.Current);
    }

    [Fact]
    public void Compare_CategoriesAllSeen_HaveNoOtherEntry()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", ["red", "blue"])]);

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [], [new("color", ["red", "red"])]).Features[0].Distribution!;

        Assert.False(d.HasOther);
        Assert.Equal(["blue", "red"], d.Labels);
        Assert.Equal([0, 1.0], d.Current);
    }

    [Fact]
    public void Compare_Numbers_HistogramOfTheReferenceBinsWithSharesSummingToOne()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("x", Synthetic.Normal(1000, 1))]);

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [new("x", Synthetic.Normal(500, 2, mean: 3))]).Features[0].Distribution!;

        Assert.Equal(ProfileOptions.DefaultBinCount, d.Reference.Count);
        Assert.Equal(d.Reference.Count + 1, d.Edges.Count);
        Assert.Equal(double.NegativeInfinity, d.Edges[0]);
        Assert.Equal(double.PositiveInfinity, d.Edges[^1]);
        Assert.Equal(reference.Features[0].BinEdges.Skip(1).SkipLast(1), d.Edges.Skip(1).SkipLast(1));
        Assert.Equal(1, d.Reference.Sum(), 12);
        Assert.Equal(1, d.Current.Sum(), 12);
        Assert.All(d.Reference, share => Assert.Equal(0.1, share, 12));   // quantile bins of the reference
        Assert.True(d.Current[^1] > 0.8);                                  // the current data moved right
    }

    [Fact]
    public void Compare_TiedReferenceValues_LeaveOutEmptyZeroWidthBins()
    {
        double[] tied = [.. Enumerable.Repeat(0.0, 600), .. Synthetic.Normal(400, 1, mean: 5)];
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("x", tied)]);

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [new("x", tied)]).Features[0].Distribution!;

        Assert.True(d.Reference.Count < ProfileOptions.DefaultBinCount);
        for (int i = 1; i < d.Edges.Count - 1; i++)
        {
            Assert.True(d.Edges[i] > d.Edges[i - 1]);
        }

        int zero = d.Edges.ToList().IndexOf(0);
        Assert.Equal(0, d.Reference[zero - 1]);        // below 0: nothing
        Assert.Equal(0.6, d.Reference[zero], 12);      // every 0 in the bin that starts at 0
        Assert.Equal(d.Reference, d.Current);
    }

    [Fact]
    public void Compare_ManyBins_MergesNeighboursDownToMaxBins()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("x", Synthetic.Normal(5000, 1))], options: new ProfileOptions { BinCount = 120 });

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [new("x", Synthetic.Normal(500, 2))]).Features[0].Distribution!;

        Assert.InRange(d.Reference.Count, 2, FeatureDistribution.MaxBins);
        Assert.Equal(reference.Features[0].BinEdges[3], d.Edges[1]);   // groups of 3 bins
        Assert.Equal(1, d.Reference.Sum(), 12);
    }

    [Fact]
    public void Compare_FewDistinctNumbers_SharesPerValue()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("rooms", Synthetic.Discrete(2000, 1, [1, 2, 3, 4]))]);

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [new("rooms", [1, 2, 2.5, 2.5])]).Features[0].Distribution!;

        Assert.Equal(["1", "2", "3", "4", FeatureDistribution.OtherLabel], d.Labels);
        Assert.Equal([0.25, 0.25, 0, 0, 0.5], d.Current);
    }

    [Fact]
    public void Compare_ManyCategories_KeepsTheLargestAndGathersTheRestInOther()
    {
        string[] many = [.. Enumerable.Range(0, 60).Select(i => "c" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture))];
        double[] weights = [.. Enumerable.Range(0, 60).Select(i => i < 5 ? 100.0 : 1.0)];
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("kind", Synthetic.Categories(20_000, 1, many, weights))]);

        FeatureDistribution d = DriftDetector.CompareColumns(reference, [], [new("kind", Synthetic.Categories(5000, 2, many, weights))]).Features[0].Distribution!;

        Assert.Equal(FeatureDistribution.MaxCategories + 1, d.Labels.Count);
        Assert.Equal(["c00", "c01", "c02", "c03", "c04"], d.Labels.Take(5));
        Assert.Equal(FeatureDistribution.OtherLabel, d.Labels[^1]);
        Assert.Equal(1, d.Reference.Sum(), 12);
        Assert.Equal(1, d.Current.Sum(), 12);
    }

    [Fact]
    public void ToJson_Distribution_RoundTripsWithInfiniteEdges()
    {
        DriftReport report = DriftReportHtmlTests.MixedReport(300);

        string json = report.ToJson();
        DriftReport read = DriftReport.FromJson(json);

        Assert.Equal(json, read.ToJson());
        Assert.Contains("\"edges\":[\"-Infinity\",", json, StringComparison.Ordinal);
        Assert.Equal(report.Find("color")!.Distribution!.Labels, read.Find("color")!.Distribution!.Labels);
        Assert.Equal(report.Find("amount")!.Distribution!.Current, read.Find("amount")!.Distribution!.Current);
    }

    [Fact]
    public void FromJson_ReportWrittenBeforeDistributions_ReadsNull()
    {
        DriftReport report = DriftReportHtmlTests.MixedReport(300);
        var root = System.Text.Json.Nodes.JsonNode.Parse(report.ToJson())!;
        foreach (var feature in root["features"]!.AsArray())
        {
            feature!.AsObject().Remove("distribution");
        }

        DriftReport old = DriftReport.FromJson(root.ToJsonString());

        Assert.All(old.Features, f => Assert.Null(f.Distribution));
        string html = old.ToHtml();
        Assert.Contains("No distribution in this report.", html, StringComparison.Ordinal);
        HtmlReport.AssertNumbersMatchJson(html, old.ToJson());
    }
}
