namespace MLOps;

/// <summary>Shortcuts for common <see cref="IExperimentTracker"/> calls.</summary>
public static class ExperimentTrackerExtensions
{
    /// <summary>Logs one parameter (write-once; the same value again does nothing).</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The running run.</param>
    /// <param name="key">The parameter name.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the parameter is stored.</returns>
    public static Task LogParamAsync(this IExperimentTracker tracker, string runId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(key);
        return tracker.LogParamsAsync(runId, new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value }, cancellationToken);
    }

    /// <summary>Logs several metrics at the same step and time (for example the evaluation metrics of a model).</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The running run.</param>
    /// <param name="metrics">The metric values.</param>
    /// <param name="step">The step.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the points are stored.</returns>
    public static Task LogMetricsAsync(
        this IExperimentTracker tracker, string runId, IReadOnlyDictionary<string, double> metrics, long step = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(metrics);
        return tracker.LogMetricsAsync(runId, metrics.Select(m => new MetricPoint(m.Key, m.Value, step, default)), cancellationToken);
    }

    /// <summary>Sets one tag.</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The run.</param>
    /// <param name="key">The tag key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the tag is stored.</returns>
    public static Task SetTagAsync(this IExperimentTracker tracker, string runId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(key);
        return tracker.SetTagsAsync(runId, new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value }, cancellationToken);
    }

    /// <summary>Stores bytes as a run artifact.</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The running run.</param>
    /// <param name="path">The relative path (<see cref="ModelArtifact.ValidatePath"/>).</param>
    /// <param name="content">The content.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The stored artifact.</returns>
    public static async Task<RunArtifact> LogArtifactAsync(
        this IExperimentTracker tracker, string runId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ModelArtifact artifact = ModelArtifact.FromBytes(content, path);
        Stream stream = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await tracker.LogArtifactAsync(runId, artifact.Path, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores a file as a run artifact.</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The running run.</param>
    /// <param name="filePath">The file to read.</param>
    /// <param name="path">The relative artifact path; <see langword="null"/> uses the file's name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The stored artifact.</returns>
    public static async Task<RunArtifact> LogArtifactFileAsync(
        this IExperimentTracker tracker, string runId, string filePath, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ModelArtifact artifact = ModelArtifact.FromFile(filePath, path);
        Stream stream = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await tracker.LogArtifactAsync(runId, artifact.Path, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a whole run artifact into memory, verified against its SHA-256 and length.</summary>
    /// <param name="tracker">The tracker.</param>
    /// <param name="runId">The run.</param>
    /// <param name="path">The artifact path.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The content.</returns>
    /// <exception cref="ArtifactIntegrityException">The artifact is tampered with or truncated.</exception>
    public static async Task<byte[]> ReadArtifactAsync(this IExperimentTracker tracker, string runId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        Stream stream = await tracker.OpenArtifactAsync(runId, path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
