using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>The drift monitor's subscriptions: every report reaches every subscriber, a failing one is isolated.</summary>
public sealed class DriftMonitorTests
{
    private static readonly ModelName House = ModelName.Parse("house");

    [Fact]
    public void Subscribe_HandlerThrows_OtherHandlersRunAndFailureIsLogged()
    {
        var logs = new FakeLogCollector();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var monitor = new DriftMonitor(factory);
        var received = new List<DriftReport>();
        using IDisposable failing = monitor.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        using IDisposable recording = monitor.Subscribe(received.Add);
        DriftReport report = Report();

        monitor.Publish(House, report);

        Assert.Same(report, Assert.Single(received));
        Assert.Same(report, monitor.GetLatestReport(House));
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 306 && r.Exception is InvalidOperationException);
    }

    [Fact]
    public void Subscribe_Disposed_HandlerIsNoLongerCalled()
    {
        var monitor = new DriftMonitor();
        int calls = 0;
        IDisposable subscription = monitor.Subscribe(_ => calls++);
        monitor.Publish(House, Report());

        subscription.Dispose();
        subscription.Dispose();
        monitor.Publish(House, Report());

        Assert.Equal(1, calls);
    }

    [Fact]
    public void ToJson_ModelName_IsWrittenAsAStringAndReadBack()
    {
        DriftReport report = Report();

        string json = report.ToJson();

        Assert.Contains("\"modelName\":\"house\"", json, StringComparison.Ordinal);
        Assert.Equal(House, DriftReport.FromJson(json).ModelName);
        Assert.Null(DriftReport.FromJson((report with { ModelName = null }).ToJson()).ModelName);
    }

    private static DriftReport Report()
    {
        double[] values = [.. Enumerable.Range(0, 100).Select(i => (double)i)];
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("x", values)]);
        return DriftDetector.CompareColumns(reference, [new("x", values)]) with { ModelName = House };
    }
}
