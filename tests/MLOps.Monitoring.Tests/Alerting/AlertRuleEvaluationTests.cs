using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Tests.Alerting.Support;
using static MLOps.Monitoring.Tests.Alerting.Support.AlertingHarness;

namespace MLOps.Monitoring.Tests.Alerting;

public class AlertRuleEvaluationTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task QualityBelow_PendingUntilForElapsed_ThenFiresOnce()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).For(TimeSpan.FromMinutes(1))).Listen();
        double r2 = 0.75;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Quality("taxi", "r2")));

        Assert.Empty(h.EvaluateAt(Tick));
        Alert pending = Assert.Single(h.Manager.GetAlerts());
        Assert.Equal(AlertStatus.Pending, pending.Status);
        Assert.Equal(Start + Tick, pending.ActiveSince);
        Assert.Empty(h.EvaluateAt(Tick));
        Assert.Empty(h.EvaluateAt(Tick));
        Assert.Empty(h.EvaluateAt(Tick)); // 45 s after the condition was first seen

        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick)); // 60 s
        Assert.Equal(AlertStatus.Firing, firing.Alert.Status);
        Assert.False(firing.IsRepeat);
        Assert.Equal("quality-below-r2-0.8", firing.Alert.Rule.Name);
        Assert.Equal("taxi-api", firing.ServiceName);
        Assert.Equal(0.75, firing.Alert.Value);
        Assert.Equal("taxi", firing.Alert.Labels["mlops.model.name"]);
        Assert.Equal("r2", firing.Alert.Labels["mlops.metric.name"]);
        Assert.Equal("Model 'taxi' (variant primary): r2 = 0.75, below 0.8.", firing.Alert.Summary);
        Assert.Equal(Start + (5 * Tick), firing.Alert.FiringSince);
        Assert.Equal(AlertStatus.Firing, Assert.Single(h.Manager.GetAlerts()).Status);
        Assert.Equal(Start + (5 * Tick), h.Manager.LastEvaluatedAt);
    }

    [Fact]
    public async Task QualityBelow_ConditionClearsWhilePending_NothingIsNotified()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).For(TimeSpan.FromMinutes(1))).Listen();
        double r2 = 0.75;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Quality("taxi", "r2")));

        Assert.Empty(h.EvaluateAt(Tick));
        r2 = 0.85;
        Assert.Empty(h.EvaluateAt(Tick));
        Assert.Empty(h.Manager.GetAlerts());
        r2 = 0.7;
        Assert.Empty(h.EvaluateAt(TimeSpan.FromMinutes(1))); // pending again, from now
        Assert.Single(h.EvaluateAt(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Firing_IsDeduplicatedPerRuleAndLabelSet_AndRenotifiedAfterTheInterval()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).RenotifyEvery(TimeSpan.FromHours(4))).Listen();
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new[]
        {
            new Measurement<double>(0.5, Quality("taxi", "r2")),
            new Measurement<double>(0.6, Quality("fraud", "r2")),
            new Measurement<double>(0.9, Quality("churn", "r2")),
            new Measurement<double>(0.1, Quality("taxi", "mae")),
        });

        List<AlertNotification> first = h.EvaluateAt(Tick);
        Assert.Equal(["fraud", "taxi"], first.Select(n => n.Alert.Labels["mlops.model.name"]).Order());
        Assert.NotEqual(first[0].Alert.Fingerprint, first[1].Alert.Fingerprint);

        for (int i = 0; i < 10; i++)
        {
            Assert.Empty(h.EvaluateAt(TimeSpan.FromMinutes(20))); // 3 h 20 min in all: still within the interval
        }

        List<AlertNotification> repeat = h.EvaluateAt(TimeSpan.FromMinutes(40));
        Assert.Equal(2, repeat.Count);
        Assert.All(repeat, n => Assert.True(n.IsRepeat));
        Assert.All(repeat, n => Assert.Equal(Start + Tick, n.Alert.FiringSince));
        Assert.Empty(h.EvaluateAt(Tick));
    }

    [Fact]
    public async Task QualityAbove_ErrorMetricOverTheCeiling_FiresForThatMetricOnlyAndResolves()
    {
        double rmse = 2.0;
        await using var h = Create(a => a.OnQualityAbove("rmse", 3.5, AlertSeverity.Critical)).Listen();
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new[]
        {
            new Measurement<double>(rmse, Quality("taxi", "rmse")),
            new Measurement<double>(9.0, Quality("taxi", "mae")),   // another metric: never read by this rule
        });

        Assert.Empty(h.EvaluateAt(Tick));
        rmse = 4.25;
        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal(AlertStatus.Firing, firing.Alert.Status);
        Assert.Equal(4.25, firing.Alert.Value);
        Assert.Equal("quality-above-rmse-3.5", firing.Alert.Rule.Name);
        Assert.Contains("above 3.5", firing.Alert.Summary, StringComparison.Ordinal);
        Assert.Equal("rmse", firing.Alert.Labels["mlops.metric.name"]);

        rmse = 3.5;   // at the ceiling: no longer above it
        AlertNotification resolved = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal(AlertStatus.Resolved, resolved.Alert.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void OnQualityAbove_BlankMetric_ThrowsNamingTheParameter(string metric)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new AlertingBuilder(new ServiceCollection()).OnQualityAbove(metric, 1));
        Assert.Equal("metricName", ex.ParamName);
    }

    [Fact]
    public async Task RenotifyIntervalZero_NotifiesOncePerFiring()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).RenotifyEvery(TimeSpan.Zero)).Listen();
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(0.5, Quality("taxi", "r2")));

        Assert.Single(h.EvaluateAt(Tick));
        Assert.Empty(h.EvaluateAt(TimeSpan.FromDays(2)));
    }

    [Fact]
    public async Task Firing_ConditionStops_NotifiesResolvedAndForgetsTheAlert()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8)).Listen();
        double r2 = 0.5;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Quality("taxi", "r2")));
        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));

        r2 = 0.9;
        AlertNotification resolved = Assert.Single(h.EvaluateAt(Tick));

        Assert.Equal(AlertStatus.Resolved, resolved.Alert.Status);
        Assert.Equal(firing.Alert.Fingerprint, resolved.Alert.Fingerprint);
        Assert.Equal(Start + (2 * Tick), resolved.Alert.ResolvedAt);
        Assert.Equal(Start + Tick, resolved.Alert.FiringSince);
        Assert.Empty(h.Manager.GetAlerts());
        Assert.Empty(h.EvaluateAt(Tick));
    }

    [Fact]
    public async Task ObservableSeriesDisappears_FiringAlertResolves()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8)).Listen();
        bool reported = true;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => reported ? [new Measurement<double>(0.5, Quality("taxi", "r2"))] : Array.Empty<Measurement<double>>());
        Assert.Single(h.EvaluateAt(Tick));

        reported = false; // for example the model version was replaced

        Assert.Equal(AlertStatus.Resolved, Assert.Single(h.EvaluateAt(Tick)).Alert.Status);
    }

    [Fact]
    public async Task WarningAndCriticalFloorsOfOneMetric_FireIndependently()
    {
        await using var h = Create(a => a
            .OnQualityBelow("r2", 0.8, AlertSeverity.Warning)
            .OnQualityBelow("r2", 0.7, AlertSeverity.Critical)).Listen();
        double r2 = 0.75;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Quality("taxi", "r2")));

        AlertNotification warning = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal(AlertSeverity.Warning, warning.Alert.Rule.Severity);

        r2 = 0.65;
        AlertNotification critical = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal(AlertSeverity.Critical, critical.Alert.Rule.Severity);
        Assert.Equal("quality-below-r2-0.7", critical.Alert.Rule.Name);
        Assert.Equal(AlertSeverity.Critical, h.Manager.GetAlerts()[0].Rule.Severity); // most severe first
        Assert.Equal(2, h.Manager.GetAlerts().Count);
    }

    [Fact]
    public async Task DriftDetected_DatasetScopeIgnoresFeatures_FeatureScopeRaisesOneAlertPerFeature()
    {
        await using var h = Create(a => a
            .OnDriftDetected(DriftAlertScope.Dataset, AlertSeverity.Critical)
            .OnDriftDetected(DriftAlertScope.Feature)).Listen();
        int dataset = 0;
        h.Meter.CreateObservableGauge("mlops.drift.detected", () => new[]
        {
            new Measurement<int>(dataset, Drift("taxi", "dataset", "share")),
            new Measurement<int>(1, Drift("taxi", "trip_distance", "ks")),
            new Measurement<int>(1, Drift("taxi", "payment_type", "chi2")),
            new Measurement<int>(0, Drift("taxi", "passenger_count", "ks")),
        });

        List<AlertNotification> features = h.EvaluateAt(Tick);
        Assert.Equal(2, features.Count);
        Assert.All(features, n => Assert.Equal("drift-detected-feature", n.Alert.Rule.Name));
        Assert.Equal(["payment_type", "trip_distance"], features.Select(n => n.Alert.Labels["mlops.drift.feature"]).Order());
        Assert.Contains(features, n => n.Alert.Summary == "Drift of feature 'trip_distance' detected for model 'taxi' (ks).");

        dataset = 1;
        AlertNotification datasetAlert = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal("drift-detected-dataset", datasetAlert.Alert.Rule.Name);
        Assert.Equal(AlertSeverity.Critical, datasetAlert.Alert.Rule.Severity);
        Assert.StartsWith("Dataset drift detected for model 'taxi'", datasetAlert.Alert.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriftDetected_SynchronousGauge_KeepsItsLastValue()
    {
        await using var h = Create(a => a.OnDriftDetected()).Listen();
        Gauge<int> drift = h.Meter.CreateGauge<int>("mlops.drift.detected");

        drift.Record(1, Drift("taxi", "dataset", "share"));
        Assert.Single(h.EvaluateAt(Tick));
        Assert.Empty(h.EvaluateAt(Tick));

        drift.Record(0, Drift("taxi", "dataset", "share"));
        Assert.Equal(AlertStatus.Resolved, Assert.Single(h.EvaluateAt(Tick)).Alert.Status);
    }

    [Fact]
    public async Task ErrorRateAbove_OverTheRollingWindow_FiresThenResolvesWhenFailuresLeaveTheWindow()
    {
        await using var h = Create(a => a.OnErrorRateAbove(0.05, window: TimeSpan.FromMinutes(5))).Listen();
        Histogram<double> duration = h.Meter.CreateHistogram<double>("mlops.prediction.duration", "s");
        Publish(duration, "taxi", "primary", ok: 90, failed: 10, seconds: 0.01);
        Publish(duration, "fraud", "primary", ok: 99, failed: 1, seconds: 0.01);

        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));
        Assert.Equal("error-rate-above-0.05", firing.Alert.Rule.Name);
        Assert.Equal(AlertSeverity.Critical, firing.Alert.Rule.Severity);
        Assert.Equal(0.1, firing.Alert.Value, 12);
        Assert.Equal(new Dictionary<string, string> { ["mlops.deployment.variant"] = "primary", ["mlops.model.name"] = "taxi" }, firing.Alert.Labels);
        Assert.Contains("10% of 100 predictions failed over 5 min, above 5%", firing.Alert.Summary, StringComparison.Ordinal);

        // Light healthy traffic for 4 more minutes: the failures are still in the 5-minute window (10 of 116).
        for (int i = 0; i < 16; i++)
        {
            Publish(duration, "taxi", "primary", ok: 1, failed: 0, seconds: 0.01);
            Assert.Empty(h.EvaluateAt(Tick));
        }

        // Past 5 minutes the first batch leaves the window.
        Publish(duration, "taxi", "primary", ok: 10, failed: 0, seconds: 0.01);
        List<AlertNotification> after = h.EvaluateAt(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertStatus.Resolved, Assert.Single(after).Alert.Status);
    }

    [Fact]
    public async Task LatencyP95Above_EstimatesTheQuantileWithinTenPercent()
    {
        await using var h = Create(a => a.OnLatencyP95Above(TimeSpan.FromMilliseconds(200))).Listen();
        Histogram<double> duration = h.Meter.CreateHistogram<double>("mlops.prediction.duration", "s");
        Publish(duration, "taxi", "primary", ok: 90, failed: 0, seconds: 0.05);
        Publish(duration, "taxi", "primary", ok: 10, failed: 0, seconds: 0.5);
        Publish(duration, "fraud", "canary", ok: 100, failed: 0, seconds: 0.15);

        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));

        Assert.Equal("latency-p95-above-200ms", firing.Alert.Rule.Name);
        Assert.Equal("taxi", firing.Alert.Labels["mlops.model.name"]);
        Assert.InRange(firing.Alert.Value, 0.5 / 1.1, 0.5);
        Assert.Contains("above 200 ms", firing.Alert.Summary, StringComparison.Ordinal);
        Alert fraud = Assert.Single(h.Manager.GetAlerts());
        Assert.Equal("taxi", fraud.Labels["mlops.model.name"]);
    }

    [Fact]
    public async Task ModelLoadFailed_CountsOnlyFailures_PerModelAndVariant()
    {
        await using var h = Create(a => a.OnModelLoadFailed(window: TimeSpan.FromMinutes(10))).Listen();
        Counter<long> loads = h.Meter.CreateCounter<long>("mlops.model.loads");
        loads.Add(1, Tag("mlops.model.name", "taxi"), Tag("mlops.deployment.variant", "primary"), Tag("mlops.outcome", "success"));
        Assert.Empty(h.EvaluateAt(Tick));

        loads.Add(1, Tag("mlops.model.name", "taxi"), Tag("mlops.deployment.variant", "primary"), Tag("mlops.outcome", "failure"), Tag("error.type", "System.IO.InvalidDataException"));
        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));

        Assert.Equal("model-load-failed", firing.Alert.Rule.Name);
        Assert.Equal(new Dictionary<string, string> { ["mlops.deployment.variant"] = "primary", ["mlops.model.name"] = "taxi" }, firing.Alert.Labels);
        Assert.Equal(1, firing.Alert.Value);
        Assert.Empty(h.EvaluateAt(TimeSpan.FromMinutes(9)));
        Assert.Equal(AlertStatus.Resolved, Assert.Single(h.EvaluateAt(TimeSpan.FromMinutes(2))).Alert.Status);
    }

    [Fact]
    public async Task RetrainFailed_FiresOnFailedRunsOnly_WithTheTriggerAsLabel()
    {
        await using var h = Create(a => a.OnRetrainFailed()).Listen();
        Counter<long> runs = h.Meter.CreateCounter<long>("mlops.retrain.runs");
        runs.Add(1, Tag("mlops.model.name", "taxi"), Tag("mlops.retrain.trigger", "drift"), Tag("mlops.retrain.outcome", "succeeded"));
        runs.Add(1, Tag("mlops.model.name", "taxi"), Tag("mlops.retrain.trigger", "drift"), Tag("mlops.retrain.outcome", "rejected"));
        Assert.Empty(h.EvaluateAt(Tick));

        runs.Add(1, Tag("mlops.model.name", "taxi"), Tag("mlops.retrain.trigger", "schedule"), Tag("mlops.retrain.outcome", "failed"));
        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));

        Assert.Equal(new Dictionary<string, string> { ["mlops.model.name"] = "taxi", ["mlops.retrain.trigger"] = "schedule" }, firing.Alert.Labels);
        Assert.Contains("Retraining of model 'taxi' (trigger schedule) failed 1 time(s) in the last 1 h", firing.Alert.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleFor_OverridesTheDefaultForOfTheBuilder()
    {
        await using var h = Create(a => a
            .For(TimeSpan.FromHours(1))
            .Add(new AlertRule { Name = "quick", Kind = AlertRuleKind.QualityBelow, MetricName = "r2", Threshold = 0.8, For = TimeSpan.Zero })
            .OnQualityBelow("r2", 0.8)).Listen();
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(0.5, Quality("taxi", "r2")));

        AlertNotification firing = Assert.Single(h.EvaluateAt(Tick));

        Assert.Equal("quick", firing.Alert.Rule.Name);
        Assert.Equal(2, h.Manager.GetAlerts().Count);
    }

    [Fact]
    public async Task AlertsGauge_ReportsFiringAlertsPerRuleAndSeverity()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).OnDriftDetected(severity: AlertSeverity.Critical)).Listen();
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new[]
        {
            new Measurement<double>(0.5, Quality("taxi", "r2")),
            new Measurement<double>(0.6, Quality("fraud", "r2")),
        });
        using var collector = new MetricCollector<int>(h.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, AlertingTelemetry.AlertsInstrument);
        h.EvaluateAt(Tick);

        collector.RecordObservableInstruments();

        var byRule = collector.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[AlertingTelemetry.RuleTag]!);
        Assert.Equal(2, byRule["quality-below-r2-0.8"].Value);
        Assert.Equal("warning", byRule["quality-below-r2-0.8"].Tags[AlertingTelemetry.SeverityTag]);
        Assert.Equal(0, byRule["drift-detected-dataset"].Value);
        Assert.Equal("critical", byRule["drift-detected-dataset"].Tags[AlertingTelemetry.SeverityTag]);
        Assert.Equal("{alert}", collector.Instrument!.Unit);
    }

    [Fact]
    public async Task InstrumentsOfAnotherMeterFactory_AreIgnored()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8)).Listen();
        await using var other = Create(a => a.OnQualityBelow("r2", 0.8));
        other.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(0.1, Quality("taxi", "r2")));
        using var unscoped = new Meter(MLOpsTelemetry.Name);
        unscoped.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(0.1, Quality("taxi", "r2")));

        Assert.Empty(h.EvaluateAt(Tick));
    }

    [Fact]
    public async Task ObservableGaugeThrows_IsLogged_OtherRulesRun_AndItsAlertsKeepTheirState()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).OnDriftDetected()).Listen();
        int drift = 0;
        bool broken = false;
        h.Meter.CreateObservableGauge("mlops.drift.detected", () => new Measurement<int>(drift, Drift("taxi", "dataset", "share")));
        h.Meter.CreateObservableGauge("mlops.model.quality", () => broken
            ? throw new InvalidOperationException("broken gauge")
            : new Measurement<double>(0.5, Quality("taxi", "r2")));
        Assert.Equal("quality-below-r2-0.8", Assert.Single(h.EvaluateAt(Tick)).Alert.Rule.Name);

        broken = true;
        drift = 1;
        AlertNotification driftAlert = Assert.Single(h.EvaluateAt(Tick)); // and no "resolved" for the quality alert

        Assert.Equal("drift-detected-dataset", driftAlert.Alert.Rule.Name);
        Assert.Equal(2, h.Manager.GetAlerts().Count);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 408);
        Assert.Contains("broken gauge", log.Exception!.ToString(), StringComparison.Ordinal);
    }

    private static void Publish(Histogram<double> duration, string model, string variant, int ok, int failed, double seconds)
    {
        for (int i = 0; i < ok; i++)
        {
            duration.Record(seconds, Tag("mlops.model.name", model), Tag("mlops.model.version", "3"), Tag("mlops.deployment.variant", variant));
        }

        for (int i = 0; i < failed; i++)
        {
            duration.Record(seconds, Tag("mlops.model.name", model), Tag("mlops.model.version", "3"), Tag("mlops.deployment.variant", variant), Tag("error.type", "System.InvalidOperationException"));
        }
    }

    private static KeyValuePair<string, object?>[] Quality(string model, string metric) =>
        [Tag("mlops.model.name", model), Tag("mlops.model.version", "3"), Tag("mlops.deployment.variant", "primary"), Tag("mlops.metric.name", metric)];

    private static KeyValuePair<string, object?>[] Drift(string model, string feature, string method) =>
        [Tag("mlops.model.name", model), Tag("mlops.drift.feature", feature), Tag("mlops.drift.method", method)];
}
