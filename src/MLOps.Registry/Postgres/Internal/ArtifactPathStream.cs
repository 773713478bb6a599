namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Wraps an artifact store's verifying stream so an integrity failure names the run's artifact path (what the caller
/// asked for) rather than the store key it is kept under.
/// </summary>
internal sealed class ArtifactPathStream(Stream inner, string path, string runId) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

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

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
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
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException ex)
        {
            throw Rename(ex, path, runId);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
