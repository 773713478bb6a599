using MLOps.Registry.Internal;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Wraps an artifact store's verifying stream so an integrity failure names the run's artifact path (what the caller
/// asked for) rather than the store key it is kept under.
/// </summary>
internal sealed class ArtifactPathStream(Stream inner, string path, string runId) : ReadOnlyWrapperStream(inner)
{
    public override long Length => Inner.Length;

    public override long Position { get => Inner.Position; }

    /// <summary>The same failure, reported for <paramref name="path"/> (the store key stays in the message).</summary>
    public static ArtifactIntegrityException Rename(ArtifactIntegrityException ex, string path, string runId)
    {
        string reason = ex.Message;
        if (ex.ArtifactPath is { } key)
        {
            string prefix = $"Artifact '{key}' failed its integrity check: ";
            if (reason.StartsWith(prefix, StringComparison.Ordinal))
            {
                reason = reason[prefix.Length..];
            }

            reason = $"{reason.TrimEnd('.')} (run {runId}, stored as '{key}').";
        }

        return new ArtifactIntegrityException(path, reason);
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Inner.Read(buffer);
        }
        catch (ArtifactIntegrityException ex)
        {
            throw Rename(ex, path, runId);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException ex)
        {
            throw Rename(ex, path, runId);
        }
    }
}
