using MLOps.Monitoring.Quality;

namespace MLOps.Monitoring.Tests.Quality;

public class QualityMetricsTests
{
    [Fact]
    public void R2Score_NaNInActual_ThrowsArgumentExceptionNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.R2Score([1, double.NaN], [1, 2]));
        Assert.Equal("actual", ex.ParamName);
    }

    [Fact]
    public void MeanAbsoluteError_InfinityInPredicted_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.MeanAbsoluteError([1, 2], [1, double.PositiveInfinity]));
        Assert.Equal("predicted", ex.ParamName);
    }

    [Fact]
    public void LogLoss_NaNProbability_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.LogLoss([true, false], [0.5, double.NaN]));
        Assert.Equal("probabilities", ex.ParamName);
    }

    [Fact]
    public void RocAuc_NaNScore_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.RocAuc([true, false], [double.NaN, 0.5]));
        Assert.Equal("scores", ex.ParamName);
    }

    [Fact]
    public void Metrics_EmptyInput_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => QualityMetrics.RootMeanSquaredError([], []));
        Assert.Throws<ArgumentException>(() => QualityMetrics.Accuracy(ReadOnlySpan<bool>.Empty, ReadOnlySpan<bool>.Empty));
        Assert.Throws<ArgumentException>(() => QualityMetrics.MacroF1Score(ReadOnlySpan<string>.Empty, ReadOnlySpan<string>.Empty));
    }

    [Fact]
    public void Metrics_DifferentLengths_ThrowArgumentExceptionNamingPredicted()
    {
        var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.F1Score([true, false], [true]));
        Assert.Equal("predicted", ex.ParamName);
    }

    [Fact]
    public void RocAuc_OneTiedPairAcrossClasses_CountsOneHalf()
    {
        // Positive scores 0.9 and 0.5; negative scores 0.5 and 0.1: 3 of 4 pairs ordered, 1 tied → (3 + 0.5) / 4.
        Assert.Equal(0.875, QualityMetrics.RocAuc([true, true, false, false], [0.9, 0.5, 0.5, 0.1]), 15);
    }
}
