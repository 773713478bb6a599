using System.Collections.Concurrent;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>
/// Issue 15, item 8, for the file-system registry: its watcher is armed before <c>Subscribe</c> returns (no late baseline
/// as in the PostgreSQL poll), and when it loses events every model is reported as changed.
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

    public void Dispose() => _directory.Dispose();
}
