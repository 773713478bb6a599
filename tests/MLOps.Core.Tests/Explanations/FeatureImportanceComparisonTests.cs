namespace MLOps.Core.Tests.Explanations;

public class FeatureImportanceComparisonTests
{
    [Fact]
    public void Compare_RanksDeltasAndFeaturesOfOnlyOneVersion()
    {
        FeatureImportance[] champion = [new("a", "r2", 0.5, 0.01), new("b", "r2", 0.3, 0.01), new("gone", "r2", 0.1, 0)];
        FeatureImportance[] candidate = [new("a", "r2", 0.2, 0.01), new("b", "r2", 0.6, 0.02), new("new", "r2", 0.05, 0)];

        FeatureImportanceComparison comparison = FeatureImportanceComparison.Compare(champion, candidate);

        Assert.Equal("r2", comparison.Metric);
        Assert.True(comparison.SameMetric);
        Assert.Equal(["b", "a", "new", "gone"], comparison.Features.Select(f => f.Feature));
        FeatureImportanceChange b = comparison.Features[0];
        Assert.Equal((2, 1, 1), (b.BaselineRank!.Value, b.CandidateRank!.Value, b.RankChange!.Value));
        Assert.Equal(0.3, b.Delta!.Value, 12);
        FeatureImportanceChange a = comparison.Features[1];
        Assert.Equal(-1, a.RankChange);
        Assert.Equal(-0.3, a.Delta!.Value, 12);
        Assert.Null(comparison.Features[2].Baseline);
        Assert.Null(comparison.Features[2].Delta);
        Assert.Equal(3, comparison.Features[2].CandidateRank);
        Assert.Null(comparison.Features[3].Candidate);
        Assert.Null(comparison.Features[3].RankChange);
    }

    [Fact]
    public void Compare_DifferentMetrics_SaysSo()
    {
        FeatureImportanceComparison comparison = FeatureImportanceComparison.Compare([new("a", "r2", 1, 0)], [new("a", "accuracy", 1, 0)]);

        Assert.False(comparison.SameMetric);
        Assert.Equal("accuracy", comparison.Metric);
    }

    [Fact]
    public void Compare_EmptyLists_AreEmpty()
    {
        FeatureImportanceComparison comparison = FeatureImportanceComparison.Compare([], []);

        Assert.Empty(comparison.Features);
        Assert.Null(comparison.Metric);
    }

    [Fact]
    public void Compare_DuplicateOrNull_Throws()
    {
        Assert.Throws<ArgumentException>(() => FeatureImportanceComparison.Compare([new("a", "r2", 1, 0), new("a", "r2", 2, 0)], []));
        Assert.Throws<ArgumentException>(() => FeatureImportanceComparison.Compare([], [null!]));
        Assert.Throws<ArgumentNullException>(() => FeatureImportanceComparison.Compare(null!, []));
    }
}
