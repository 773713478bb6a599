using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>The drift monitor's subscriptions (every report reaches every subscriber, a failing one is isolated) and its bounded history.</summary>
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
    public void GetReports_MoreThanHistorySize_KeepsTheNewestOldestFirst()
    {
        var monitor = new DriftMonitor();
        monitor.Register(House, historySize: 3);
        DriftReport[] published = [.. Enumerable.Range(0, 5).Select(i => Report() with { CurrentRows = i })];

        foreach (DriftReport report in published)
        {
            monitor.Publish(House, report);
        }

        Assert.Equal(published[2..], monitor.GetReports(House));
        Assert.Same(published[4], monitor.GetLatestReport(House));
    }

    [Fact]
    public void GetReports_ReturnsASnapshotThatLaterReportsDoNotChange()
    {
        var monitor = new DriftMonitor();
        monitor.Publish(House, Report());

        IReadOnlyList<DriftReport> before = monitor.GetReports(House);
        monitor.Publish(House, Report());

        Assert.Single(before);
        Assert.Equal(2, monitor.GetReports(House).Count);
    }

    [Fact]
    public void GetReports_RegisteredButNoWindowYetOrUnknownModel_IsEmpty()
    {
        var monitor = new DriftMonitor();
        monitor.Register(House, historySize: 5);

        Assert.Empty(monitor.GetReports(House));
        Assert.Empty(monitor.GetReports(ModelName.Parse("other")));
        Assert.Contains(House, monitor.Models);
    }

    [Fact]
    public void GetReports_UnregisteredModel_KeepsTheDefaultHistorySize()
    {
        var monitor = new DriftMonitor();

        for (int i = 0; i < DriftOptions.DefaultHistorySize + 7; i++)
        {
            monitor.Publish(House, Report());
        }

        Assert.Equal(DriftOptions.DefaultHistorySize, monitor.GetReports(House).Count);
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
