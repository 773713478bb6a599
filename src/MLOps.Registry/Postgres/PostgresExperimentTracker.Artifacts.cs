using System.Data;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tracking;
using Npgsql;

namespace MLOps;

/// <content>Run artifacts: uploaded to the artifact store, then recorded.</content>
public sealed partial class PostgresExperimentTracker
{
    /// <inheritdoc/>
    public async Task<RunArtifact> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        ArgumentNullException.ThrowIfNull(content);

        // Fail before uploading when the run has ended or the path is taken; checked again, under the lock, when recording.
        await ReadAsync(
            async s =>
            {
                await EnsureCanStoreAsync(s, id, runId, path, lockRun: false, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

        // Upload outside the transaction under a key unique to this attempt, so the run's lock is held only to record it.
        // The key keeps only the file name (at most 255 characters): the full path (up to 1024) is in run_artifacts, and
        // prefix + path could pass the store's key limit.
        string key = $"{ArtifactKeyPrefix}{runId}/{Guid.NewGuid():N}/{path[(path.LastIndexOf('/') + 1)..]}";
        ArtifactDescriptor? stored = null;
        try
        {
            stored = await _store.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
            Fault?.Invoke("artifact-uploaded");
            var artifact = new RunArtifact(path, stored.Sha256.ToLowerInvariant(), stored.Length, Now());
            await WriteAsync(
                async s =>
                {
                    await EnsureCanStoreAsync(s, id, runId, path, lockRun: true, cancellationToken).ConfigureAwait(false);
                    using NpgsqlCommand insert = s.Command(
                        "INSERT INTO __schema__.run_artifacts (run_id, path, key, sha256, length, logged_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .With(id).With(path).With(key).With(artifact.Sha256).With(artifact.Length).With(artifact.LoggedAt);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    Fault?.Invoke("artifact-recorded");
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            return artifact;
        }
        catch
        {
            await DeleteUploadAsync(key, runId).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunArtifact>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        return ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command(
                    "SELECT a.path, a.sha256, a.length, a.logged_at FROM __schema__.runs r LEFT JOIN __schema__.run_artifacts a ON a.run_id = r.run_id " +
                    "WHERE r.run_id = $1 ORDER BY a.path").With(id);
                var artifacts = new List<RunArtifact>();
                bool found = false;
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        found = true;
                        if (!reader.IsDBNull(0))
                        {
                            artifacts.Add(ReadArtifact(reader, 0));
                        }
                    }
                }

                return found ? (IReadOnlyList<RunArtifact>)artifacts : throw TrackingValidation.RunNotFound(runId);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        ArtifactDescriptor descriptor = await ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command(
                    "SELECT a.key, a.sha256, a.length FROM __schema__.runs r LEFT JOIN __schema__.run_artifacts a ON a.run_id = r.run_id AND a.path = $2 " +
                    "WHERE r.run_id = $1").With(id).With(path);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw TrackingValidation.RunNotFound(runId);
                    }

                    return reader.IsDBNull(0)
                        ? throw TrackingValidation.ArtifactNotFound(runId, path)
                        : new ArtifactDescriptor(reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
                }
            },
            cancellationToken).ConfigureAwait(false);

        Stream stream;
        try
        {
            stream = await _store.OpenReadAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException ex)
        {
            throw ArtifactPathStream.Rename(ex, path, runId);
        }

        // The store verifies against the descriptor; the wrapper reports failures under the run's artifact path.
        return new ArtifactPathStream(stream, path, runId);
    }
}
