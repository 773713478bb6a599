using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Support;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresChangeFeedTests
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");

    [Fact]
    public async Task Subscribe_NotificationsOnly_DeliversAnotherInstancesChangeWithItsDetails()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry writer = PostgresRegistryConformanceTests.Open(schema);
        await using PostgresModelRegistry reader = PostgresRegistryConformanceTests.Open(schema, o => o.PollInterval = TimeSpan.Zero);
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);
        await Eventually.HoldsAsync(() => reader.Listener is { BackendProcessId: > 0 }, "listener connected");

        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));

        // Polling finds External changes only; the kind, version and alias come with the notification.
        await Eventually.HoldsAsync(
            () => changes.Contains(new RegistryChange(RegistryChangeKind.AliasChanged, Taxi, new ModelVersion(1), ModelAlias.Champion)),
            "AliasChanged(taxi, 1, champion) from the other instance");
    }

    [Fact]
    public async Task Subscribe_NotificationsOff_FindsAnotherInstancesChangeByPolling()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry writer = PostgresRegistryConformanceTests.Open(schema);
        await using PostgresModelRegistry reader = PostgresRegistryConformanceTests.Open(schema, o =>
        {
            o.ListenForNotifications = false;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);
        await Eventually.HoldsAsync(() => reader.PollPasses >= 1, "baseline poll");

        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));

        await Eventually.HoldsAsync(() => changes.Contains(new RegistryChange(RegistryChangeKind.External, Taxi)), "External(taxi) found by polling");
        Assert.Null(reader.Listener);
    }

    [Fact]
    public async Task Subscribe_OwnChanges_AreDeliveredOnceNotAgainWhenTheirNotificationArrives()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema, o => o.PollInterval = TimeSpan.Zero);
        await using PostgresModelRegistry other = PostgresRegistryConformanceTests.Open(schema);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = registry.Subscribe(changes.Enqueue);
        await Eventually.HoldsAsync(() => registry.Listener is { BackendProcessId: > 0 }, "listener connected");

        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion));
        await other.RemoveAliasAsync(new RemoveAliasRequest(Taxi, ModelAlias.Champion));

        // Notifications arrive on one connection in commit order: once the other instance's removal is here, the echoes
        // of this instance's two promotions have been handled (and ignored).
        await Eventually.HoldsAsync(() => changes.Any(c => c.Version is null && c.Kind == RegistryChangeKind.AliasChanged), "the other instance's removal");
        Assert.Equal(
            [new ModelVersion(1), new ModelVersion(2)],
            changes.Where(c => c is { Kind: RegistryChangeKind.AliasChanged, Version: not null }).Select(c => c.Version!.Value));
    }

    [Fact]
    public async Task Listener_ConnectionTerminated_ReconnectsAndFindsTheChangeMissedMeanwhile()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logger = new FakeLogger();
        var options = new PostgresRegistryOptions { Schema = schema.Name, PollInterval = TimeSpan.Zero, ReconnectDelay = TimeSpan.FromSeconds(1) };
        await using var reader = new PostgresModelRegistry(NpgsqlDataSource.Create(schema.ConnectionString), ownsDataSource: true, options, "reader", time, logger);
        await using PostgresModelRegistry writer = PostgresRegistryConformanceTests.Open(schema);
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);
        await Eventually.HoldsAsync(() => reader.Listener is { BackendProcessId: > 0 } && reader.PollPasses >= 1, "listener connected and baseline taken");
        int backend = reader.Listener!.BackendProcessId;

        await schema.ExecuteAsync($"SELECT pg_terminate_backend({backend})");
        await Eventually.HoldsAsync(() => reader.Listener.BackendProcessId == 0, "listener noticed the lost connection");
        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));   // its notification is lost

        // Let the reconnect delay pass (advancing until the listener, which may not have started waiting yet, reconnects).
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return reader.Listener.Connections == 2;
            },
            "listener reconnected");
        await Eventually.HoldsAsync(() => changes.Contains(new RegistryChange(RegistryChangeKind.External, Taxi)), "the missed change, found by the poll after reconnecting");
        Assert.NotEqual(backend, reader.Listener.BackendProcessId);
        FakeLogRecord lost = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 253);
        Assert.Equal(LogLevel.Warning, lost.Level);
        Assert.Equal(2, logger.Collector.GetSnapshot().Count(r => r.Id.Id == 252));
    }

    [Fact]
    public async Task Dispose_StopsTheListenerAndReleasesItsConnection()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema);
        using IDisposable subscription = registry.Subscribe(_ => { });
        await Eventually.HoldsAsync(() => registry.Listener is { BackendProcessId: > 0 }, "listener connected");
        int backend = registry.Listener!.BackendProcessId;

        await registry.DisposeAsync();

        await Eventually.HoldsAsync(
            async () => await schema.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE pid = {backend}") == 0,
            "the listener's server process ended");
        Assert.Throws<ObjectDisposedException>(() => registry.Subscribe(_ => { }));
    }

    // Issue 15, item 8: the first poll pass was a silent baseline. When the change feed started late (a busy machine) and
    // a promotion committed between a subscriber's first resolve and that pass, the pass recorded the new state as the
    // baseline and the subscriber never heard of the promotion. These hold the feed's start until after the promotion.

    [Fact]
    public async Task PollBaseline_PromotionBetweenTheFirstResolveAndALateFirstPollPass_IsStillRaised()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry writer = PostgresRegistryConformanceTests.Open(schema);
        await using PostgresModelRegistry reader = PostgresRegistryConformanceTests.Open(schema, o =>
        {
            o.ListenForNotifications = false;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });

        await AssertPromotionBeforeTheFeedStartsIsRaisedAsync(writer, reader);
    }

    [Fact]
    public async Task PollBaseline_PromotionBetweenTheFirstResolveAndALateListen_IsStillRaised()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry writer = PostgresRegistryConformanceTests.Open(schema);
        await using PostgresModelRegistry reader = PostgresRegistryConformanceTests.Open(schema, o => o.PollInterval = TimeSpan.Zero);

        await AssertPromotionBeforeTheFeedStartsIsRaisedAsync(writer, reader);
        Assert.NotNull(reader.Listener);
    }

    private static async Task AssertPromotionBeforeTheFeedStartsIsRaisedAsync(PostgresModelRegistry writer, PostgresModelRegistry reader)
    {
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        var feedMayStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.BeforeChangeFeedStarts = feedMayStart.Task.WaitAsync;
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);

        RegisteredModelVersion? served = await reader.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion));
        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion));
        feedMayStart.SetResult();

        Assert.Equal(new ModelVersion(1), served?.Version);
        await Eventually.HoldsAsync(
            () => changes.Any(c => c.Name == Taxi && c.Kind is RegistryChangeKind.External or RegistryChangeKind.AliasChanged),
            "a change of taxi raised for the promotion committed before the feed started");
    }
}
