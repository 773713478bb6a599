using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class DataQualityTests
{
    private static readonly ReferenceProfile Reference = ReferenceProfile.FromColumns(
        [new("amount", [.. Enumerable.Range(0, 100).Select(i => i < 10 ? double.NaN : i)])],
        [new("color", [.. Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? "red" : "blue")])]);

    [Fact]
    public void Compare_CountsMissingInfiniteOutOfRangeAndUnseen()
    {
        double[] amount = [double.NaN, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -5, 500, 50, 60, 70, 80];
        string?[] color = [null, "red", "blue", "green", "green", "red", "blue", "red", "blue", "red"];

        DriftReport report = DriftDetector.CompareColumns(Reference, [new("amount", amount)], [new("color", color)]);

        FeatureDataQuality a = report.DataQuality.Features.Single(f => f.Feature == "amount");
        Assert.Equal(10, a.RowCount);
        Assert.Equal(2, a.MissingCount);
        Assert.Equal(0.2, a.MissingRatio);
        Assert.Equal(0.1, a.ReferenceMissingRatio);
        Assert.Equal(2, a.InfinityCount);
        Assert.Equal(2, a.OutOfRangeCount);
        Assert.Equal(2.0 / 6, a.OutOfRangeRatio, 12);

        FeatureDataQuality c = report.DataQuality.Features.Single(f => f.Feature == "color");
        Assert.Equal(1, c.MissingCount);
        Assert.Equal(2, c.UnseenCategoryCount);
        Assert.Equal(2.0 / 9, c.UnseenCategoryRatio, 12);
        Assert.Equal(0, c.ReferenceMissingRatio);
        Assert.False(report.DataQuality.SchemaMismatch);
    }

    [Fact]
    public void Compare_ProfileOfAnotherSchema_ReportsMissingUnexpectedAndMismatchedFeatures()
    {
        ReferenceProfile other = ReferenceProfile.FromColumns(
            [new("price", Synthetic.Normal(50, 1))],
            [new("amount", Synthetic.Categories(50, 2, ["a", "b"])), new("color", Synthetic.Categories(50, 3, ["red", "blue"]))]);

        DriftReport report = DriftDetector.Compare(Reference, other);

        DataQualityReport quality = report.DataQuality;
        Assert.True(quality.SchemaMismatch);
        Assert.Empty(quality.MissingFeatures);
        Assert.Equal(["price"], quality.UnexpectedFeatures);
        Assert.Equal(["amount: Numeric → Categorical"], quality.KindMismatches);
        Assert.False(report.Find("amount")!.Evaluated);
        Assert.True(report.Find("color")!.Evaluated);
        Assert.Equal(1, report.EvaluatedFeatures);
    }

    [Fact]
    public void Compare_ObjectsLackingAFeature_ReportItMissingAndDoNotEvaluateIt()
    {
        ReferenceProfile houses = ReferenceProfile.Create(TestModels.Houses(200, seed: 1));

        DriftReport report = DriftDetector.Compare(houses, Enumerable.Range(0, 50).Select(i => new SizeOnly { Size = 100 + i, Garden = i % 2 == 0 }));

        Assert.Equal(["Rooms", "District"], report.DataQuality.MissingFeatures);
        Assert.Equal(["Garden"], report.DataQuality.UnexpectedFeatures);
        Assert.True(report.Find("Size")!.Evaluated);
        Assert.False(report.Find("Rooms")!.Evaluated);
        Assert.Equal(["Size"], report.DataQuality.Features.Select(f => f.Feature));
    }

    [Fact]
    public void Compare_NoCurrentValues_FeatureNotEvaluatedAndNoDatasetDrift()
    {
        DriftReport report = DriftDetector.CompareColumns(Reference, [new("amount", [double.NaN, double.NaN])], [new("color", [null, null])]);

        Assert.All(report.Features, f => Assert.False(f.Evaluated));
        Assert.All(report.Features, f => Assert.False(f.Drifted));
        Assert.Equal(0, report.EvaluatedFeatures);
        Assert.False(report.DatasetDrift);
        Assert.All(report.DataQuality.Features, f => Assert.Equal(1.0, f.MissingRatio));
    }

    private sealed class SizeOnly
    {
        public float Size { get; set; }

        public bool Garden { get; set; }
    }
}
