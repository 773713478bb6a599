using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;
using static MLOps.Monitoring.Tests.Alerting.Support.AlertingHarness;

namespace MLOps.Monitoring.Tests.Alerting;

/// <summary>The hosted loop, the queues and the dispatcher.</summary>
public class AlertingPipelineTests
{
    [Fact]
    public async Task HostedLoop_EvaluatesEveryIntervalOfTheTimeProvider_AndDeliversFiringAndResolved()
    {
        using var server = new LoopbackHttpServer(_ => 200);
        await using var h = Create(a => a
            .OnQualityBelow("r2", 0.7, AlertSeverity.Critical)
            .EvaluateEvery(TimeSpan.FromSeconds(30))
            .AddWebhook(o => o.Url = server.Url)
            .AddNotifier<RecordingNotifier>());
        var recording = h.Provider.GetServices<IAlertNotifier>().OfType<RecordingNotifier>().Single();
        using var notifications = new MetricCollector<long>(h.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, AlertingTelemetry.NotificationsInstrument);
        double r2 = 0.6;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Tag("mlops.model.name", "taxi"), Tag("mlops.metric.name", "r2")));
        await h.StartHostAsync();

        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(h.Manager.LastEvaluatedAt);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => recording.Received.Count == 1 && server.Requests.Count == 1, "the firing notification delivered");
        await Eventually.HoldsAsync(() => notifications.GetMeasurementSnapshot().Count == 3, "3 deliveries completed"); // before moving the clock again
        Assert.Equal(Start.AddSeconds(30), h.Manager.LastEvaluatedAt);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 400);
        Assert.Equal(LogLevel.Error, log.Level); // critical
        Assert.Contains("quality-below-r2-0.7", log.Message, StringComparison.Ordinal);

        r2 = 0.9;
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => recording.Received.Count == 2 && server.Requests.Count == 2, "the resolved notification delivered");
        Assert.Equal(AlertStatus.Resolved, recording.Received.Last().Alert.Status);
        await Eventually.HoldsAsync(() => notifications.GetMeasurementSnapshot().Count == 6, "6 deliveries counted");
        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 401);
        Assert.All(notifications.GetMeasurementSnapshot(), m => Assert.Equal("success", m.Tags["mlops.outcome"]));
        Assert.Equal(
            ["log", "log", "recording", "recording", "webhook", "webhook"],
            notifications.GetMeasurementSnapshot().Select(m => (string)m.Tags[AlertingTelemetry.NotifierTag]!).Order());
    }

    [Fact]
    public async Task HangingAndFailingNotifiers_DoNotHoldUpEvaluationOrTheOtherNotifiers()
    {
        await using var h = Create(a => a
            .OnQualityBelow("r2", 0.8)
            .AddNotifier<HangingNotifier>()
            .AddNotifier<ThrowingNotifier>()
            .AddNotifier<RecordingNotifier>());
        var recording = h.Provider.GetServices<IAlertNotifier>().OfType<RecordingNotifier>().Single();
        var hanging = h.Provider.GetServices<IAlertNotifier>().OfType<HangingNotifier>().Single();
        using var notifications = new MetricCollector<long>(h.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, AlertingTelemetry.NotificationsInstrument);
        double r2 = 0.5;
        h.Meter.CreateObservableGauge("mlops.model.quality", () => new Measurement<double>(r2, Tag("mlops.model.name", "taxi"), Tag("mlops.metric.name", "r2")));
        await h.StartHostAsync();

        for (int i = 1; i <= 4; i++)
        {
            r2 = i % 2 == 1 ? 0.5 : 0.9; // firing, resolved, firing, resolved
            h.Time.Advance(AlertingOptions.DefaultEvaluationInterval);
            await Eventually.HoldsAsync(() => recording.Received.Count == i, $"notification {i} delivered to the healthy notifier");
        }

        Assert.Equal(1, hanging.Started); // still inside its first delivery
        Assert.Equal(Start + (4 * AlertingOptions.DefaultEvaluationInterval), h.Manager.LastEvaluatedAt);
        await Eventually.HoldsAsync(
            () => notifications.GetMeasurementSnapshot().Count(m => (string)m.Tags[AlertingTelemetry.NotifierTag]! == "throwing") == 4,
            "4 failures of the throwing notifier counted");
        Assert.All(
            notifications.GetMeasurementSnapshot().Where(m => (string)m.Tags[AlertingTelemetry.NotifierTag]! == "throwing"),
            m => Assert.Equal("failure", m.Tags["mlops.outcome"]));
        Assert.Equal(4, h.Logs.GetSnapshot().Count(r => r.Id.Id == 405 && r.Message.Contains("throwing", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FullNotifierQueue_DropsTheOldestNotification_AndCountsIt()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8).Configure(o => o.QueueCapacity = 2));
        var queue = h.Provider.GetRequiredService<AlertQueue>();
        using var notifications = new MetricCollector<long>(h.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, AlertingTelemetry.NotificationsInstrument);
        var channel = queue.Create("slow");

        AlertNotification first = Notifications.Firing(), second = Notifications.Firing(AlertStatus.Resolved), third = Notifications.Firing();
        Assert.True(channel.Writer.TryWrite(first));
        Assert.True(channel.Writer.TryWrite(second));
        Assert.True(channel.Writer.TryWrite(third)); // never blocks

        Assert.True(channel.Reader.TryRead(out AlertNotification? a));
        Assert.True(channel.Reader.TryRead(out AlertNotification? b));
        Assert.Same(second, a);
        Assert.Same(third, b);
        CollectedMeasurement<long> dropped = Assert.Single(notifications.GetMeasurementSnapshot());
        Assert.Equal("dropped", dropped.Tags["mlops.outcome"]);
        Assert.Equal("slow", dropped.Tags[AlertingTelemetry.NotifierTag]);
        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 407);
    }

    [Fact]
    public async Task LogNotifier_LogsFiringAtTheSeverityLevel_AndRepeatsAsStillFiring()
    {
        await using var h = Create(a => a.OnQualityBelow("r2", 0.8));
        IAlertNotifier log = Assert.Single(h.Provider.GetServices<IAlertNotifier>());
        Assert.Equal("log", log.Name);

        await log.NotifyAsync(Notifications.Firing() with { IsRepeat = true });
        var warning = Notifications.Firing();
        await log.NotifyAsync(warning with { Alert = warning.Alert with { Rule = warning.Alert.Rule with { Severity = AlertSeverity.Info } } });

        var records = h.Logs.GetSnapshot();
        Assert.Equal(LogLevel.Error, records[0].Level);
        Assert.Equal(
            "Alert quality-below-r2-0.8 (critical) firing (still): model 'taxi' (variant primary): r2 = 0.75, below 0.8 <&>. " +
            "[mlops.deployment.variant=primary, mlops.metric.name=r2, mlops.model.name=taxi, mlops.model.version=3]",
            records[0].Message);
        Assert.Equal("AlertFiring", records[0].Id.Name);
        Assert.Equal(LogLevel.Information, records[1].Level);
    }
}
