using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Tests.Quality.Support;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Quality;

public class QualityMetricsVectorTests(ITestOutputHelper output)
{
    public static TheoryData<string> RegressionCases => QualityVectors.Names("regression");

    public static TheoryData<string> BinaryCases => QualityVectors.Names("binary");

    public static TheoryData<string> MulticlassCases => QualityVectors.Names("multiclass");

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void RegressionMetrics_Vector_MatchScikitLearn(string name)
    {
        VectorCase c = QualityVectors.Get("regression", name);
        AssertMatches(c, "r2", QualityMetrics.R2Score(c.Actual, c.Predicted));
        AssertMatches(c, "rmse", QualityMetrics.RootMeanSquaredError(c.Actual, c.Predicted));
        AssertMatches(c, "mae", QualityMetrics.MeanAbsoluteError(c.Actual, c.Predicted));
        AssertMatches(c, "mape", QualityMetrics.MeanAbsolutePercentageError(c.Actual, c.Predicted));
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryMetrics_Vector_MatchScikitLearn(string name)
    {
        VectorCase c = QualityVectors.Get("binary", name);
        bool[] actual = c.ActualBool;
        bool[] predicted = c.PredictedBool;
        AssertMatches(c, "accuracy", QualityMetrics.Accuracy(actual, predicted));
        AssertMatches(c, "precision", QualityMetrics.Precision(actual, predicted));
        AssertMatches(c, "recall", QualityMetrics.Recall(actual, predicted));
        AssertMatches(c, "f1", QualityMetrics.F1Score(actual, predicted));
        AssertMatches(c, "log_loss", QualityMetrics.LogLoss(actual, c.Scores));
        if (c.Errors.ContainsKey("roc_auc"))
        {
            var ex = Assert.Throws<ArgumentException>(() => QualityMetrics.RocAuc(actual, c.Scores));
            Assert.Equal("actual", ex.ParamName);
        }
        else
        {
            AssertMatches(c, "roc_auc", QualityMetrics.RocAuc(actual, c.Scores));
        }
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void MulticlassMetrics_Vector_MatchScikitLearn(string name)
    {
        VectorCase c = QualityVectors.Get("multiclass", name);
        AssertMatches(c, "accuracy", QualityMetrics.Accuracy<int>(c.ActualInt, c.PredictedInt));
        AssertMatches(c, "macro_f1", QualityMetrics.MacroF1Score<int>(c.ActualInt, c.PredictedInt));
        AssertMatches(c, "micro_f1", QualityMetrics.MicroF1Score<int>(c.ActualInt, c.PredictedInt));

        // Labels of any type: the same classes as strings give the same macro-F1 when their order is preserved.
        string[] actualText = c.ActualInt.Select(v => (v + 1000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string[] predictedText = c.PredictedInt.Select(v => (v + 1000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        AssertMatches(c, "macro_f1", QualityMetrics.MacroF1Score<string>(actualText, predictedText));
    }

    [Fact]
    public void AllVectors_MaximumError_IsBelow1e9()
    {
        double maxAbsolute = 0, maxRelative = 0;
        int compared = 0;
        void Track(double expected, double actual)
        {
            if (double.IsNaN(expected))
            {
                Assert.True(double.IsNaN(actual));
                return;
            }

            compared++;
            maxAbsolute = Math.Max(maxAbsolute, Math.Abs(expected - actual));
            maxRelative = Math.Max(maxRelative, Math.Abs(expected - actual) / Math.Max(1, Math.Abs(expected)));
        }

        foreach (VectorCase c in QualityVectors.Load("regression"))
        {
            Track(c.Expected["r2"], QualityMetrics.R2Score(c.Actual, c.Predicted));
            Track(c.Expected["rmse"], QualityMetrics.RootMeanSquaredError(c.Actual, c.Predicted));
            Track(c.Expected["mae"], QualityMetrics.MeanAbsoluteError(c.Actual, c.Predicted));
            Track(c.Expected["mape"], QualityMetrics.MeanAbsolutePercentageError(c.Actual, c.Predicted));
        }

        foreach (VectorCase c in QualityVectors.Load("binary"))
        {
            Track(c.Expected["accuracy"], QualityMetrics.Accuracy(c.ActualBool, c.PredictedBool));
            Track(c.Expected["precision"], QualityMetrics.Precision(c.ActualBool, c.PredictedBool));
            Track(c.Expected["recall"], QualityMetrics.Recall(c.ActualBool, c.PredictedBool));
            Track(c.Expected["f1"], QualityMetrics.F1Score(c.ActualBool, c.PredictedBool));
            Track(c.Expected["log_loss"], QualityMetrics.LogLoss(c.ActualBool, c.Scores));
            if (c.Expected.TryGetValue("roc_auc", out double auc))
            {
                Track(auc, QualityMetrics.RocAuc(c.ActualBool, c.Scores));
            }
        }

        foreach (VectorCase c in QualityVectors.Load("multiclass"))
        {
            Track(c.Expected["accuracy"], QualityMetrics.Accuracy<int>(c.ActualInt, c.PredictedInt));
            Track(c.Expected["macro_f1"], QualityMetrics.MacroF1Score<int>(c.ActualInt, c.PredictedInt));
            Track(c.Expected["micro_f1"], QualityMetrics.MicroF1Score<int>(c.ActualInt, c.PredictedInt));
        }

        output.WriteLine($"{compared} values compared; max absolute error {maxAbsolute:E3}, max relative error {maxRelative:E3}");
        Assert.True(maxRelative <= 1e-9, $"max relative error {maxRelative:E3}");
    }

    private static void AssertMatches(VectorCase c, string metric, double actual)
    {
        double expected = c.Expected[metric];
        Assert.True(QualityVectors.Close(expected, actual), $"{c.Name} {metric}: expected {expected:R}, got {actual:R}");
    }
}
