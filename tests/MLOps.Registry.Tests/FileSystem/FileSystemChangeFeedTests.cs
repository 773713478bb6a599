using System.Collections.Concurrent;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>
/// Issue 15, item 8, for the file-system registry: its watcher is armed before <c>Subscribe</c> returns (no late baseline
/// as in the PostgreSQL poll), and when it loses events every model is reported as changed. A rollout changed by another
/// instance (another process) is reported as <see cref="RegistryChangeKind.RolloutChanged"/>, as PostgreSQL's NOTIFY does.
/// </summary>
public sealed class FileSystemChangeFeedTests : IDisposable
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly ModelName House = ModelName.Parse("house");
    private readonly TempDirectory _directory = new();

    private FileSystemModelRegistry Open(bool watch) => new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = watch });

    [Fact]
    public async Task Subscribe_PromotionByAnotherInstanceRightAfterTheFirstResolve_IsRaised()
    {
        using FileSystemModelRegistry writer = Open(watch: false);
        using FileSystemModelRegistry reader = Open(watch: true);
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await writer.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);

        RegisteredModelVersion? served = await reader.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion));
        await writer.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion));

        Assert.Equal(new ModelVersion(1), served?.Version);
        await Eventually.HoldsAsync(() => changes.Contains(new RegistryChange(RegistryChangeKind.External, Taxi)), "External(taxi) from the watcher");
    }

    [Fact]
    public async Task WatcherError_EventsLost_EveryModelIsReportedAsChanged()
    {
        using FileSystemModelRegistry registry = Open(watch: false);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = registry.Subscribe(changes.Enqueue);

        registry.OnWatcherError(null, new ErrorEventArgs(new InternalBufferOverflowException("Too many changes at once.")));

        await Eventually.HoldsAsync(
            () => changes.Contains(new RegistryChange(RegistryChangeKind.External, Taxi)) && changes.Contains(new RegistryChange(RegistryChangeKind.External, House)),
            "External for every model after the watcher lost events");
    }

    [Fact]
    public async Task Watcher_RolloutStartedAndDecidedByAnotherInstance_IsRaisedAsRolloutChanged()
    {
        using FileSystemModelRegistry writer = Open(watch: false);
        using FileSystemModelRegistry reader = Open(watch: true);
        await SetUpRolloutAsync(writer);
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);
        var rolloutChanged = new RegistryChange(RegistryChangeKind.RolloutChanged, Taxi, new ModelVersion(2), ModelAlias.Champion);

        Rollout rollout = await writer.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Canary));
        await Eventually.HoldsAsync(() => changes.Contains(rolloutChanged), "RolloutChanged(taxi, v2, champion) for the start");
        await writer.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Advanced) { Reason = "checks passed" });

        await Eventually.HoldsAsync(() => changes.Count(c => c == rolloutChanged) >= 2, "a second RolloutChanged for the decision");
        Assert.Contains(new RegistryChange(RegistryChangeKind.External, Taxi), changes);
    }

    [Fact]
    public async Task Watcher_OwnRolloutChangesAndOthersChangesThatLeaveRolloutsAlone_AreNotReportedAsRolloutChanged()
    {
        using FileSystemModelRegistry writer = Open(watch: false);
        using FileSystemModelRegistry reader = Open(watch: true);
        await SetUpRolloutAsync(writer);
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);

        // Its own start is raised once (by the write itself), not again when its watcher sees the file change.
        Rollout rollout = await reader.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Canary));
        await reader.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Paused) { Reason = "alert" });

        // Another instance changes model.json without touching the rollouts.
        await writer.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "trip duration" });

        // The watcher reports changes in order: once a later model's creation is seen, every event of taxi before it was handled.
        await writer.CreateModelAsync(new CreateModelRequest(House));
        await Eventually.HoldsAsync(() => changes.Contains(new RegistryChange(RegistryChangeKind.External, House)), "External(house)");
        Assert.Equal(2, changes.Count(c => c.Kind == RegistryChangeKind.RolloutChanged));
    }

    private static async Task SetUpRolloutAsync(FileSystemModelRegistry registry)
    {
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
    }

    public void Dispose() => _directory.Dispose();
}
