using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>
/// Fleet drift's hosted service against an in-memory store: replicas publish, only the leader evaluates, only the
/// report the store accepts is published to subscribers, and followers serve the stored report without raising it.
/// </summary>
public class FleetDriftServiceTests
{
    private static readonly ReferenceProfile Reference = ReferenceProfile.Create(TestModels.Houses(1000, seed: 1));

    [Fact]
    public async Task RunPass_LeaderFollowerAndDuplicate_OnlyTheStoredReportIsRaisedOnce_FollowersServeTheStoredOne()
    {
        var store = new MemoryStore();
        var leader = new Leadership();
        await using ServiceProvider provider = Services.Build(
            b => b.AddFleetDrift(o => o.PollInterval = TimeSpan.FromSeconds(1))
                .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House)
                    .WithDriftMonitoring(d => d.WindowSize(100).UseReference(Reference))),
            s => s.AddSingleton<IFleetDriftStore>(store).AddSingleton<ILeaderElection>(leader));
        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();
        var raised = new List<DriftReport>();
        using IDisposable subscription = monitor.Subscribe(r =>
        {
            lock (raised)
            {
                raised.Add(r);
            }
        });
        FleetDriftService service = provider.GetRequiredService<FleetDriftService>();
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var house = ModelName.Parse("house");

        client.PredictBatch(TestModels.Houses(100, seed: 2));
        await Eventually.HoldsAsync(async () => await service.DrainAsync(CancellationToken.None) == 1 || store.Windows.Count == 1, "the closed window published");
        Assert.Equal(100, Assert.Single(store.Windows).Rows);
        await Eventually.HoldsAsync(() => monitor.GetReplicaReports(house).Count == 1, "this replica's own report (evaluated after the window is queued)");
        Assert.Equal(100, monitor.GetReplicaReports(house)[0].CurrentRows);
        Assert.Null(monitor.GetLatestReport(house));   // a replica's own window is not the fleet's report

        await service.RunPassAsync(CancellationToken.None);   // a follower does not evaluate
        Assert.Equal(0, store.Completions);

        leader.IsLeader = true;
        await service.RunPassAsync(CancellationToken.None);
        Assert.Equal(1, store.Completions);
        DriftReport fleet = Assert.Single(raised);
        Assert.Equal((100L, store.Bucket.BucketStart), (fleet.CurrentRows, fleet.WindowStart!.Value));
        Assert.Same(fleet, monitor.GetLatestReport(house));

        // Another leader stored the bucket first: evaluated here, refused by the store, not published.
        store.Accept = false;
        store.Stored = null;
        await service.RunPassAsync(CancellationToken.None);
        Assert.Equal(2, store.Completions);
        Assert.Single(raised);

        // A newer report stored by another replica is served here without being raised again.
        store.Stored = fleet with { WindowStart = fleet.WindowStart.Value.AddMinutes(1), CurrentRows = 300 };
        leader.IsLeader = false;
        await service.RunPassAsync(CancellationToken.None);
        Assert.Equal(300, monitor.GetLatestReport(house)!.CurrentRows);
        Assert.Single(raised);
    }

    [Fact]
    public async Task RunPass_Leader_AppliesTheRetentionAtItsFirstPassThenHourly_FollowerNever()
    {
        var store = new MemoryStore();
        var leader = new Leadership();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using ServiceProvider provider = Services.Build(
            b => b.AddFleetDrift(o => o.Retention = TimeSpan.FromDays(2)),
            s => s.AddSingleton<IFleetDriftStore>(store).AddSingleton<ILeaderElection>(leader).AddSingleton<TimeProvider>(time));
        FleetDriftService service = provider.GetRequiredService<FleetDriftService>();

        await service.RunPassAsync(CancellationToken.None);
        Assert.Empty(store.Retentions);   // a follower never deletes

        leader.IsLeader = true;
        await service.RunPassAsync(CancellationToken.None);
        Assert.Equal([TimeSpan.FromDays(2)], store.Retentions);
        await service.RunPassAsync(CancellationToken.None);
        Assert.Single(store.Retentions);   // not at every poll

        time.Advance(FleetDriftService.RetentionInterval);
        await service.RunPassAsync(CancellationToken.None);
        Assert.Equal(2, store.Retentions.Count);
    }

    [Fact]
    public async Task StopAsync_ClosedWindowStillQueued_IsPublishedBeforeTheServiceStops()
    {
        var store = new MemoryStore();
        await using ServiceProvider provider = BuildReplica(store);
        using var windows = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, DriftTelemetry.Instruments.FleetWindows);
        FleetDriftService service = provider.GetRequiredService<FleetDriftService>();
        await CloseWindowsAsync(provider, 1);
        Assert.Empty(store.Windows);   // queued: the publish loop is not running

        await service.StopAsync(CancellationToken.None);

        Assert.Equal(100, Assert.Single(store.Windows).Rows);
        Assert.Equal([("published", 1L)], windows.GetMeasurementSnapshot().Select(m => ((string)m.Tags[MLOpsTelemetry.Tags.Outcome]!, m.Value)));
    }

    [Fact]
    public async Task StopAsync_StoreDown_CountsEveryQueuedWindowAsLost()
    {
        var store = new MemoryStore { PublishFails = true };
        await using ServiceProvider provider = BuildReplica(store);
        using var windows = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, DriftTelemetry.Instruments.FleetWindows);
        FleetDriftService service = provider.GetRequiredService<FleetDriftService>();
        await CloseWindowsAsync(provider, 2);

        await service.StopAsync(CancellationToken.None);

        Assert.Empty(store.Windows);
        Assert.Equal(2L, windows.GetMeasurementSnapshot().Where(m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]! == "lost").Sum(m => m.Value));
        Assert.DoesNotContain(windows.GetMeasurementSnapshot(), m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]! == "published");
    }

    [Theory]
    [InlineData(30 * 60, 60, 0)]            // under an hour
    [InlineData(2 * 3600, 3600, 3600)]       // not longer than a bucket and its grace period
    public void Options_RetentionOutOfRange_FailValidationNamingIt(int retentionSeconds, int bucketSeconds, int graceSeconds)
    {
        using ServiceProvider provider = Services.Build(
            b => b.AddFleetDrift(o =>
            {
                o.Retention = TimeSpan.FromSeconds(retentionSeconds);
                o.BucketLength = TimeSpan.FromSeconds(bucketSeconds);
                o.GracePeriod = TimeSpan.FromSeconds(graceSeconds);
            }),
            s => s.AddSingleton<IFleetDriftStore>(new MemoryStore()));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FleetDriftOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("FleetDriftOptions.Retention", StringComparison.Ordinal));
    }

    private static ServiceProvider BuildReplica(MemoryStore store) => Services.Build(
        b => b.AddFleetDrift()
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House)
                .WithDriftMonitoring(d => d.WindowSize(100).UseReference(Reference))),
        s => s.AddSingleton<IFleetDriftStore>(store).AddSingleton<ILeaderElection>(new Leadership()));

    /// <summary>Closes <paramref name="count"/> windows of 100 rows and waits until their evaluation queued them for the fleet.</summary>
    private static async Task CloseWindowsAsync(ServiceProvider provider, int count)
    {
        provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().PredictBatch(TestModels.Houses(100 * count, seed: 2));
        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();
        await Eventually.HoldsAsync(() => monitor.GetReplicaReports(ModelName.Parse("house")).Count == count, "the windows evaluated (after they were queued)");
    }

    [Fact]
    public async Task StopAsync_StoreDownWithWindowsWaitingForTheirRetry_EveryUnpublishedWindowIsCountedLost()
    {
        // Regression: a window waiting for its retry, and those queued behind it, vanished uncounted when the host
        // stopped during a store outage.
        var store = new MemoryStore { PublishFails = true };
        await using ServiceProvider provider = Services.Build(
            b => b.AddFleetDrift(o => o.PollInterval = TimeSpan.FromMilliseconds(100))
                .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House)
                    .WithDriftMonitoring(d => d.WindowSize(100).UseReference(Reference))),
            s => s.AddSingleton<IFleetDriftStore>(store).AddSingleton<ILeaderElection>(new Leadership()));
        using var windows = new MetricCollector<long>(
            provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, DriftTelemetry.Instruments.FleetWindows);
        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        client.PredictBatch(TestModels.Houses(300, seed: 3));
        await Eventually.HoldsAsync(() => monitor.GetReplicaReports(ModelName.Parse("house")).Count == 3, "three windows closed and queued");

        FleetDriftService service = provider.GetRequiredService<FleetDriftService>();
        await service.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Count(windows, "failed") >= 2, "the first window's publication failed and was retried");
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, Count(windows, "published"));
        Assert.Equal(3, Count(windows, "lost"));
        Assert.Empty(store.Windows);
    }

    private static long Count(MetricCollector<long> collector, string outcome) =>
        collector.GetMeasurementSnapshot().Where(m => (string?)m.Tags[MLOpsTelemetry.Tags.Outcome] == outcome).Sum(m => m.Value);

    private sealed class Leadership : ILeaderElection
    {
        public bool IsLeader { get; set; }

        public IDisposable Subscribe(Action<bool> handler) => new CancellationTokenSource();
    }

    private sealed class MemoryStore : IFleetDriftStore
    {
        public List<FleetDriftWindow> Windows { get; } = [];

        public int Completions { get; private set; }

        public bool Accept { get; set; } = true;

        public DriftReport? Stored { get; set; }

        public FleetDriftBucket Bucket => new()
        {
            Model = Windows[0].Model,
            Version = Windows[0].Version,
            BucketStart = DateTimeOffset.UnixEpoch.AddDays(1),
            BucketEnd = DateTimeOffset.UnixEpoch.AddDays(1).AddMinutes(1),
            Windows = [.. Windows.Select(w => w with { Replica = "r1" })],
        };

        public bool PublishFails { get; set; }

        public List<TimeSpan> Retentions { get; } = [];

        public Task PublishAsync(FleetDriftWindow window, CancellationToken cancellationToken = default)
        {
            if (PublishFails)
            {
                throw new InvalidOperationException("The store is down.");
            }

            Windows.Add(window);
            return Task.CompletedTask;
        }

        public Task<int> DeleteExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
        {
            Retentions.Add(retention);
            return Task.FromResult(0);
        }

        public Task<IReadOnlyList<FleetDriftBucket>> GetCompleteBucketsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<FleetDriftBucket>>(Windows.Count == 0 ? [] : [Bucket]);

        public Task<bool> TryCompleteAsync(FleetDriftBucket bucket, DriftReport report, CancellationToken cancellationToken = default)
        {
            Completions++;
            if (Accept)
            {
                Stored = report;
            }

            return Task.FromResult(Accept);
        }

        public Task<DriftReport?> GetLatestReportAsync(ModelName model, CancellationToken cancellationToken = default) => Task.FromResult(Stored);
    }
}
