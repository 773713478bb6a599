using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Tests.Conformance;

/// <summary>
/// The experiment-tracker metrics every backend reports the same way, through the <see cref="IExperimentTracker"/> that
/// dependency injection hands out. A backend's test class derives from this one and adds its tracker to the builder.
/// </summary>
public abstract class TrackingMetricsTests : IAsyncLifetime
{
    private ServiceProvider? _provider;

    /// <summary>Gets the tag value the backend reports (<c>file_system</c>, <c>postgres</c>).</summary>
    protected abstract string Backend { get; }

    private ServiceProvider Provider => _provider ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private IExperimentTracker Tracker => Provider.GetRequiredService<IExperimentTracker>();

    private IMeterFactory MeterFactory => Provider.GetRequiredService<IMeterFactory>();

    /// <summary>Adds the backend's tracker over a fresh, empty store.</summary>
    protected abstract Task AddTrackerAsync(IMLOpsBuilder builder);

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        await AddTrackerAsync(services.AddMLOps(o => o.ServiceName = "tracking-metrics-tests"));
        _provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await DisposeStoreAsync();
    }

    [Fact]
    public void DependencyInjection_IExperimentTracker_IsTheInstrumentedBackend()
    {
        var tracker = Assert.IsType<InstrumentedExperimentTracker>(Tracker);

        Assert.Same(tracker, Tracker);
        Assert.IsAssignableFrom<IExperimentTracker>(tracker.Inner);
        Assert.IsNotType<InstrumentedExperimentTracker>(tracker.Inner);
    }

    [Fact]
    public async Task Operations_RecordDurationTaggedWithOperationBackendAndOutcome()
    {
        using var collector = new MetricCollector<double>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.TrackingOperationDuration);

        TrackedRun run = await Tracker.StartRunAsync("taxi");
        await Tracker.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["lr"] = "0.1" });
        await Tracker.LogArtifactAsync(run.RunId, "model.zip", new MemoryStream([1, 2, 3]));
        Assert.Null(await Tracker.GetRunAsync(Guid.NewGuid().ToString("N")));   // a read that finds nothing still succeeds
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricAsync(run.RunId, "loss", double.NaN));
        await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["lr"] = "0.2" }));
        await Tracker.EndRunAsync(run.RunId);
        await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.EndRunAsync(run.RunId));

        (string Operation, string Outcome, string? ErrorType)[] recorded =
        [
            .. collector.GetMeasurementSnapshot().Select(m => (
                (string)m.Tags[MLOpsTelemetry.Tags.TrackingOperation]!,
                (string)m.Tags[MLOpsTelemetry.Tags.Outcome]!,
                m.Tags.TryGetValue(MLOpsTelemetry.Tags.ErrorType, out object? type) ? (string?)type : null)),
        ];
        Assert.Equal(
            [
                ("start_run", "success", null),
                ("log_params", "success", null),
                ("log_artifact", "success", null),
                ("get_run", "success", null),
                ("log_metric", "invalid", typeof(ArgumentException).FullName),
                ("log_params", "conflict", typeof(ModelRegistryException).FullName),
                ("end_run", "success", null),
                ("end_run", "conflict", typeof(ModelRegistryException).FullName),
            ],
            recorded);
        Assert.All(collector.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal(Backend, m.Tags[MLOpsTelemetry.Tags.TrackingBackend]);
            Assert.True(m.Value >= 0);
        });
    }

    [Fact]
    public async Task EndRunAndMetricPoints_AreCountedOnlyWhenStored()
    {
        using var ended = new MetricCollector<long>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.TrackingRunsEnded);
        using var points = new MetricCollector<long>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.TrackingMetricPoints);

        TrackedRun first = await Tracker.StartRunAsync("taxi");
        TrackedRun second = await Tracker.StartRunAsync("taxi");
        await Tracker.LogMetricAsync(first.RunId, "loss", 0.5);
        await Tracker.LogMetricsAsync(first.RunId, Points(3));                  // a lazy sequence: enumerated once
        await Tracker.LogMetricsAsync(first.RunId, [new MetricPoint("acc", 0.9, 0, default)]);
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricsAsync(first.RunId, [new MetricPoint("acc", double.NaN, 0, default)]));
        await Tracker.EndRunAsync(first.RunId);
        await Tracker.EndRunAsync(second.RunId, RunStatus.Failed, "diverged");
        await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.EndRunAsync(second.RunId));
        await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogMetricAsync(first.RunId, "loss", 0.1));

        Assert.Equal(5, points.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(points.GetMeasurementSnapshot(), m => Assert.Equal(Backend, m.Tags[MLOpsTelemetry.Tags.TrackingBackend]));
        Assert.Equal(
            ["finished", "failed"],
            ended.GetMeasurementSnapshot().Select(m => (string)m.Tags[MLOpsTelemetry.Tags.TrackingRunStatus]!));
        Assert.Equal(2, (await Tracker.GetMetricHistoryAsync(first.RunId, "loss")).Count);
        Assert.Equal(3, (await Tracker.GetMetricHistoryAsync(first.RunId, "acc")).Count);

        static IEnumerable<MetricPoint> Points(int count)
        {
            for (int i = 0; i < count; i++)
            {
                yield return new MetricPoint(i == 0 ? "loss" : "acc", 0.1 * i, i + 1, default);
            }
        }
    }
}
