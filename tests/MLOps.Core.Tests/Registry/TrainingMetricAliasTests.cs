using MLOps.Internal;

namespace MLOps.Core.Tests.Registry;

/// <summary>Gates find a multiclass accuracy under either name: <c>accuracy</c> (retrained before the merge) or <c>micro_accuracy</c>.</summary>
public sealed class TrainingMetricAliasTests
{
    [Fact]
    public void TryGetMetric_AccuracyAndMicroAccuracy_AreAliases()
    {
        var runner = new Dictionary<string, double> { ["micro_accuracy"] = 0.9 };
        var oldRetrain = new Dictionary<string, double> { ["accuracy"] = 0.8 };

        Assert.True(TrainingEvaluation.TryGetMetric(runner, "accuracy", out double a) && a == 0.9);
        Assert.True(TrainingEvaluation.TryGetMetric(oldRetrain, "micro_accuracy", out double m) && m == 0.8);
        Assert.False(TrainingEvaluation.TryGetMetric(runner, "macro_accuracy", out _));
    }
}
