using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Tests.Support;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresTrackerLogTests
{
    private static PostgresExperimentTracker Open(TestSchema schema, FakeLoggerProvider logs, IArtifactStore? store = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { MaxPoolSize = 4 };
        return new PostgresExperimentTracker(
            new PostgresRegistryOptions { ConnectionString = connection.ConnectionString, Schema = schema.Name, ArtifactStore = store },
            TimeProvider.System,
            new LoggerFactory([logs]));
    }

    [Fact]
    public async Task Lifecycle_LogsTheSharedTrackingEventsUnderTheTrackingCategory()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var logs = new FakeLoggerProvider();
        await using PostgresExperimentTracker tracker = Open(schema, logs);

        TrackedRun run = await tracker.StartRunAsync("taxi", "first");
        await tracker.StartRunAsync("taxi");
        await tracker.EndRunAsync(run.RunId, RunStatus.Killed);

        IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot();
        Assert.All(records, r => Assert.Equal("MLOps.Tracking", r.Category));
        Assert.Equal(501, Assert.Single(records, r => r.Id.Name == "ExperimentCreated").Id.Id);
        Assert.Equal(2, records.Count(r => r.Id.Id == 502));
        FakeLogRecord ended = Assert.Single(records, r => r.Id.Id == 503);
        Assert.Contains(run.RunId, ended.Message, StringComparison.Ordinal);
        Assert.Contains("Killed", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogArtifact_FailsAndTheBlobCannotBeDeleted_LogsTrackingArtifactCleanupFailedAndThrowsTheOriginalError()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var directory = new TempDirectory();
        using var logs = new FakeLoggerProvider();
        await using PostgresExperimentTracker tracker = Open(schema, logs, new UndeletableStore(new FileSystemArtifactStore(directory.Path)));
        TrackedRun run = await tracker.StartRunAsync("taxi");
        tracker.Fault = point => throw new InvalidOperationException("injected at " + point);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => tracker.LogArtifactAsync(run.RunId, "model.zip", "weights"u8.ToArray()));

        Assert.Equal("injected at artifact-uploaded", ex.Message);
        FakeLogRecord cleanup = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == 526);
        Assert.Equal("TrackingArtifactCleanupFailed", cleanup.Id.Name);
        Assert.Equal(LogLevel.Warning, cleanup.Level);
        Assert.Contains($"_tracking/{run.RunId}/", cleanup.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(cleanup.Exception);
        tracker.Fault = null;
        Assert.Empty(await tracker.ListArtifactsAsync(run.RunId));
    }

    /// <summary>A real file-system store whose deletes fail (a permission problem on the bucket, say).</summary>
    private sealed class UndeletableStore(IArtifactStore inner) : IArtifactStore
    {
        public Task<ArtifactDescriptor> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task<Stream> OpenReadAsync(ArtifactDescriptor expected, CancellationToken cancellationToken = default) => inner.OpenReadAsync(expected, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new IOException("delete denied");
    }
}
