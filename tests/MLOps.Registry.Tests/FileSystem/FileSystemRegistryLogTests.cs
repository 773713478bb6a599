using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

public sealed class FileSystemRegistryLogTests : IDisposable
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task AliasMoved_NoPreviousHolderOrNoNewOne_SaysNoneInsteadOfAnEmptyVersion()
    {
        // Regression: the first promotion logged "moved from  to 1".
        var collector = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        using var registry = new FileSystemModelRegistry(
            new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false }, loggerFactory: loggers);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 2 })]));

        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion) { Reason = "better" });

        var moves = collector.GetSnapshot().Where(r => r.Id.Name == "ModelAliasMoved").Select(r => r.Message).ToList();
        Assert.Equal(2, moves.Count);
        Assert.Contains("moved from (none) to 1", moves[0], StringComparison.Ordinal);
        Assert.Contains("moved from 1 to 2", moves[1], StringComparison.Ordinal);
        Assert.DoesNotContain("from  to", string.Join("\n", moves), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
