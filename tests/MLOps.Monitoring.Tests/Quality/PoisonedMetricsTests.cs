using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality;

/// <summary>
/// Issue 15 item 2: feedback <c>{"actual":1e308}</c> was joined and the window showed rmse = mae = ∞ and no r2. Every
/// extreme value, predicted or actual, for every task, must be refused as <c>Invalid</c> with a reason, the window must
/// stay finite, and no metric may be published as NaN or an infinity.
/// </summary>
public class PoisonedMetricsTests
{
    public static TheoryData<double> ExtremeNumbers => new()
    {
        1e308,
        -1.7976931348623157e308,
        double.MaxValue,
        double.NaN,
        double.PositiveInfinity,
        double.NegativeInfinity,
        1.5e149,   // just beyond the default accepted range
        -1.5e149,
    };

    public static TheoryData<double> UnusualButValidNumbers => new()
    {
        double.Epsilon,           // subnormal
        2.2250738585072009e-308,  // largest subnormal
        -0.0,
        1e149,                    // the default bound itself
        -1e149,
    };

    [Theory]
    [MemberData(nameof(ExtremeNumbers))]
    public void RecordAsync_RegressionActualExtreme_IsInvalidWithReasonAndWindowStaysFinite(double actual)
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(100));
        PredictionId id = harness.PredictValue(10);

        FeedbackResult result = harness.Feedback(id, actual);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("actual value", result.Reason, StringComparison.Ordinal);
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(id, 12.0).Outcome);   // a valid value still joins
        AssertFiniteReport(harness.Report);
        Assert.Equal(1, harness.Report.InvalidFeedback);
    }

    [Theory]
    [MemberData(nameof(ExtremeNumbers))]
    public void RecordAsync_RegressionPredictionExtreme_IsInvalidWithReasonAndRefusalIsCounted(double predicted)
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(100));
        using var refused = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.PredictionRefused);
        PredictionId id = harness.PredictValue(predicted);
        harness.Feedback(harness.PredictValue(1), 2.0);

        FeedbackResult result = harness.Feedback(id, 10.0);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("prediction", result.Reason, StringComparison.OrdinalIgnoreCase);
        CollectedMeasurement<long> m = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal(double.IsFinite(predicted) ? "out_of_range" : "not_finite", m.Tags[QualityTelemetry.ReasonTag]);
        QualityWindow window = Assert.Single(harness.Report.Current);
        Assert.Equal((1L, 1L), (window.Count, window.Skipped));
        AssertFiniteReport(harness.Report);
    }

    [Fact]
    public async Task RecordAsync_RefusedPredictionReadBackFromTheLog_IsCountedOnceNotAgain()
    {
        // Feedback for a prediction evicted from the store re-admits it from the durable log (and in a fleet, from the
        // log or the fleet's queue): the refusal was counted when the prediction was made, and must not be counted again.
        using var dir = new TempDirectory();
        using var log = new JsonLinesPredictionLog(Microsoft.Extensions.Options.Options.Create(new JsonLinesPredictionLogOptions { Directory = dir.Path }));
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(100).StoreCapacity(1), log: log);
        using var refused = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.PredictionRefused);
        PredictionId id = harness.PredictValue(double.NaN);
        harness.PredictValue(1);   // evicts the refused one from the one-slot store
        await harness.Writer.DrainAsync();

        FeedbackResult result = harness.Feedback(id, 10.0);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("prediction", result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("not_finite", Assert.Single(refused.GetMeasurementSnapshot()).Tags[QualityTelemetry.ReasonTag]);
    }

    [Theory]
    [MemberData(nameof(UnusualButValidNumbers))]
    public void RecordAsync_RegressionSubnormalZeroOrBound_JoinsAndWindowStaysFinite(double value)
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(100));

        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.PredictValue(value), value).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.PredictValue(-value), value).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.PredictValue(0), -value).Outcome);

        QualityWindow window = Assert.Single(harness.Report.Current);
        Assert.Equal(3, window.Count);
        AssertFiniteReport(harness.Report);
        Assert.True(window.Metrics.ContainsKey(QualityMetricNames.Rmse));
    }

    [Theory]
    [InlineData(double.NaN, "not_finite")]
    [InlineData(double.PositiveInfinity, "not_finite")]
    [InlineData(double.NegativeInfinity, "not_finite")]
    [InlineData(1e308, "out_of_range")]
    [InlineData(-1.7976931348623157e308, "out_of_range")]
    [InlineData(1.0000000000000002, "out_of_range")]
    [InlineData(-double.Epsilon, "out_of_range")]
    public void RecordAsync_BinaryProbabilityOutsideUnitInterval_IsInvalidWithReason(double probability, string reason)
    {
        using var harness = new QualityHarness(q => q.BinaryClassification(o => o.Label, o => o.Probability).Window(100));
        using var refused = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.PredictionRefused);
        PredictionId id = harness.Predict(new AnyOutput { Label = true, Probability = probability });

        FeedbackResult result = harness.Feedback(id, true);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("probability", result.Reason, StringComparison.Ordinal);
        Assert.Equal(reason, Assert.Single(refused.GetMeasurementSnapshot()).Tags[QualityTelemetry.ReasonTag]);
        AssertFiniteReport(harness.Report);
    }

    public static TheoryData<double> ProbabilitiesAtTheBounds => new() { 0.0, -0.0, double.Epsilon, 1.0 };

    [Theory]
    [MemberData(nameof(ProbabilitiesAtTheBounds))]
    public void RecordAsync_BinaryProbabilityAtOrNearTheBounds_Joins(double probability)
    {
        using var harness = new QualityHarness(q => q.BinaryClassification(o => o.Label, o => o.Probability).Window(100));

        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.Predict(new AnyOutput { Label = true, Probability = probability }), true).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.Predict(new AnyOutput { Label = false, Probability = probability }), false).Outcome);

        AssertFiniteReport(harness.Report);
        Assert.True(harness.Report.Current[0].Metrics.ContainsKey(QualityMetricNames.LogLoss));
    }

    [Theory]
    [MemberData(nameof(ExtremeNumbers))]
    [InlineData(2.0)]
    [InlineData(-1.0)]
    [InlineData(double.Epsilon)]
    public void RecordAsync_BinaryActualNotALabel_IsInvalidWithReason(double actual)
    {
        using var harness = new QualityHarness(q => q.BinaryClassification(o => o.Label, o => o.Probability).Window(100));
        PredictionId id = harness.Predict(new AnyOutput { Label = true, Probability = 0.9 });

        FeedbackResult result = harness.Feedback(id, actual);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(id, true).Outcome);
        AssertFiniteReport(harness.Report);
    }

    [Theory]
    [MemberData(nameof(ExtremeNumbers))]
    [InlineData(double.Epsilon)]
    [InlineData(1.5)]
    public void RecordAsync_MulticlassActualNumberNotAClass_IsInvalidWithReason(double actual)
    {
        using var harness = new QualityHarness(q => q.MulticlassClassification(o => o.Class).Window(100));
        PredictionId id = harness.Predict(new AnyOutput { Class = "a" });

        FeedbackResult result = harness.Feedback(id, actual);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("class label", result.Reason, StringComparison.Ordinal);
        AssertFiniteReport(harness.Report);
    }

    [Fact]
    public void RecordAsync_MulticlassNegativeZero_IsClassZero()
    {
        using var harness = new QualityHarness(q => q.MulticlassClassification(o => o.Class).Window(100));

        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.Predict(new AnyOutput { Class = "0" }), -0.0).Outcome);

        Assert.Equal(1.0, harness.Report.Current[0].Metrics[QualityMetricNames.Accuracy]);
    }

    [Fact]
    public void RecordAsync_MulticlassLabelTooLongOrMissingOrBeyondClassLimit_IsInvalidWithReason()
    {
        using var harness = new QualityHarness(q => q.MulticlassClassification(o => o.Class, maxClasses: 2).MaxStringLength(8).Window(100));
        using var refused = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.PredictionRefused);
        PredictionId ok = harness.Predict(new AnyOutput { Class = "a" });
        harness.Predict(new AnyOutput { Class = "b" });
        PredictionId third = harness.Predict(new AnyOutput { Class = "c" });
        PredictionId none = harness.Predict(new AnyOutput { Class = null });
        PredictionId tooLong = harness.Predict(new AnyOutput { Class = new string('x', 9) });

        Assert.Contains("longer than 8", harness.Feedback(ok, new string('a', 9)).Reason, StringComparison.Ordinal);
        Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(ok, "a").Outcome);
        Assert.Contains("2 distinct classes", harness.Feedback(third, "c").Reason, StringComparison.Ordinal);
        Assert.Contains("no class label", harness.Feedback(none, "a").Reason, StringComparison.Ordinal);
        Assert.Contains("longer than 8", harness.Feedback(tooLong, "a").Reason, StringComparison.Ordinal);

        Assert.Equal(["class_limit", "no_label", "too_long"], refused.GetMeasurementSnapshot().Select(m => (string)m.Tags[QualityTelemetry.ReasonTag]!).ToArray());
        Assert.Equal(4, harness.Report.InvalidFeedback);
    }

    [Fact]
    public void AcceptedRange_PerModel_RefusesPredictionsAndActualsOutsideIt()
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).AcceptedRange(0, 86_400).Window(100));

        FeedbackResult lowPrediction = harness.Feedback(harness.PredictValue(-1), 10.0);
        FeedbackResult highActual = harness.Feedback(harness.PredictValue(10), 86_401.0);
        FeedbackResult atBounds = harness.Feedback(harness.PredictValue(0), 86_400.0);

        Assert.Equal(FeedbackOutcome.Invalid, lowPrediction.Outcome);
        Assert.Contains("[0, 86400]", lowPrediction.Reason, StringComparison.Ordinal);
        Assert.Equal(FeedbackOutcome.Invalid, highActual.Outcome);
        Assert.Equal("The actual value is outside the accepted range [0, 86400] of model 'm'.", highActual.Reason);
        Assert.Equal(FeedbackOutcome.Joined, atBounds.Outcome);
    }

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.0, double.PositiveInfinity)]
    [InlineData(-1e150, 0.0)]
    [InlineData(0.0, 1e150)]
    [InlineData(5.0, 5.0)]
    [InlineData(6.0, 5.0)]
    public void AcceptedRange_UnsafeOrEmptyBounds_Throw(double minimum, double maximum)
    {
        var builder = new QualityMonitoringBuilder<HouseInput, AnyOutput>();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AcceptedRange(minimum, maximum));
    }

    [Fact]
    public void WithQualityMonitoring_AcceptedRangeOnAClassifier_FailsAtConfiguration()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => QualityServices.Build(b => b.AddModel<ChurnInput, ChurnPrediction>("churn", m => m
            .FromTransformer(QualityTestModels.Churn)
            .WithQualityMonitoring(q => q.BinaryClassification(o => o.PredictedLabel).AcceptedRange(0, 1)))));

        Assert.Contains("AcceptedRange", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishedMetrics_WorstCaseValuesInRange_AreAllFinite()
    {
        // The widest values the default range accepts, with the largest errors: every sum is at its maximum.
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(1000).SegmentBy(i => i.Region));
        using var gauge = new MetricCollector<double>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.ModelQuality);
        using var ratios = new MetricCollector<double>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.SegmentRatio);
        var closed = new List<QualityWindow>();
        using IDisposable subscription = harness.Monitor.Subscribe(closed.Add);
        const double Bound = QualityMonitoringBuilder<HouseInput, AnyOutput>.MaximumValueMagnitude;
        for (int i = 0; i < 1000; i++)
        {
            double predicted = i % 2 == 0 ? Bound : -Bound;
            double actual = i % 3 == 0 ? -predicted : double.Epsilon;
            Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(harness.PredictValue(predicted, i % 2 == 0 ? "a" : "b"), actual).Outcome);
        }

        QualityWindow window = Assert.Single(closed);
        Assert.Equal(
            [QualityMetricNames.Mae, QualityMetricNames.Mape, QualityMetricNames.R2, QualityMetricNames.Rmse],
            window.Metrics.Keys.Order(StringComparer.Ordinal).ToArray());
        AssertFinite(window);
        gauge.RecordObservableInstruments();
        ratios.RecordObservableInstruments();
        Assert.Equal(4, gauge.GetMeasurementSnapshot().Count);
        Assert.All(gauge.GetMeasurementSnapshot(), m => Assert.True(double.IsFinite(m.Value), $"{m.Tags[QualityTelemetry.MetricNameTag]} = {m.Value}"));
        Assert.All(ratios.GetMeasurementSnapshot(), m => Assert.True(double.IsFinite(m.Value)));
    }

    [Fact]
    public void PublishedMetrics_R2Overflows_IsListedAsNotFiniteCountedAndNotPublished()
    {
        // Actual values with a tiny variance and huge errors: SSres / SStot overflows, so r2 would be -∞.
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(2));
        using var gauge = new MetricCollector<double>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.ModelQuality);
        using var skipped = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.MetricSkipped);
        harness.Feedback(harness.PredictValue(1e149), 0.0);
        harness.Feedback(harness.PredictValue(-1e149), 1e-150);

        QualityWindow window = Assert.Single(harness.Report.Closed);

        Assert.False(window.Metrics.ContainsKey(QualityMetricNames.R2));
        Assert.StartsWith("not finite", window.UndefinedMetrics[QualityMetricNames.R2], StringComparison.Ordinal);
        CollectedMeasurement<long> m = Assert.Single(skipped.GetMeasurementSnapshot());
        Assert.Equal(("r2", "not_finite", "m", "1", "primary"), (
            m.Tags[QualityTelemetry.MetricNameTag], m.Tags[QualityTelemetry.ReasonTag], m.Tags[MLOpsTelemetry.Tags.ModelName],
            m.Tags[MLOpsTelemetry.Tags.ModelVersion], m.Tags[MLOpsTelemetry.Tags.Variant]));
        gauge.RecordObservableInstruments();
        Assert.Equal(3, gauge.GetMeasurementSnapshot().Count);
        Assert.All(gauge.GetMeasurementSnapshot(), g => Assert.True(double.IsFinite(g.Value)));
    }

    [Fact]
    public void UndefinedMetric_ConstantActuals_IsReportedWithReasonAndCounted()
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).Window(3));
        using var skipped = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.MetricSkipped);
        harness.Feedback(harness.PredictValue(1), 5.0);
        harness.Feedback(harness.PredictValue(2), 5.0);
        harness.Feedback(harness.PredictValue(3), 5.0);

        QualityWindow window = Assert.Single(harness.Report.Closed);

        Assert.Equal("undefined: the actual values have zero variance (all the same)", window.UndefinedMetrics[QualityMetricNames.R2]);
        Assert.False(window.Metrics.ContainsKey(QualityMetricNames.R2));
        Assert.Equal(3.0, window.Metrics[QualityMetricNames.Mae]);
        CollectedMeasurement<long> m = Assert.Single(skipped.GetMeasurementSnapshot());
        Assert.Equal(("r2", "undefined"), (m.Tags[QualityTelemetry.MetricNameTag], m.Tags[QualityTelemetry.ReasonTag]));
    }

    [Fact]
    public void UndefinedMetric_RocAucWithOneClassAndR2OfOnePair_AreReportedWithReason()
    {
        using var binary = new QualityHarness(q => q.BinaryClassification(o => o.Label, o => o.Probability).Window(100));
        binary.Feedback(binary.Predict(new AnyOutput { Label = true, Probability = 0.8 }), true);
        binary.Feedback(binary.Predict(new AnyOutput { Label = false, Probability = 0.3 }), true);
        using var regression = new QualityHarness(q => q.Regression(o => o.Value).Window(100).SegmentBy(i => i.Region));
        regression.Feedback(regression.PredictValue(1, "a"), 2.0);

        QualityWindow b = Assert.Single(binary.Report.Current);
        QualityWindow r = Assert.Single(regression.Report.Current);

        Assert.Equal("undefined: only one class is present in the actual labels", b.UndefinedMetrics[QualityMetricNames.RocAuc]);
        Assert.Equal("undefined for a single labelled prediction", r.UndefinedMetrics[QualityMetricNames.R2]);
        SegmentQuality segment = Assert.Single(r.Segments);
        Assert.Equal([QualityMetricNames.R2], segment.UndefinedMetrics.Keys.ToArray());
        Assert.Equal("undefined for a single labelled prediction", segment.UndefinedMetrics[QualityMetricNames.R2]);
    }

    private static void AssertFiniteReport(ModelQualityReport report)
    {
        foreach (QualityWindow window in report.Closed.Concat(report.Current))
        {
            AssertFinite(window);
        }
    }

    private static void AssertFinite(QualityWindow window)
    {
        Assert.All(window.Metrics, m => Assert.True(double.IsFinite(m.Value), $"{m.Key} = {m.Value}"));
        Assert.All(window.SegmentRatios, m => Assert.True(double.IsFinite(m.Value), $"ratio {m.Key} = {m.Value}"));
        Assert.All(window.Segments.SelectMany(s => s.Metrics), m => Assert.True(double.IsFinite(m.Value), $"segment {m.Key} = {m.Value}"));
        Assert.All(window.UndefinedMetrics.Values, reason => Assert.False(string.IsNullOrEmpty(reason)));
    }
}
