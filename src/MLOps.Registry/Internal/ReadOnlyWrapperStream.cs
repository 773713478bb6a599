namespace MLOps.Registry.Internal;

/// <summary>
/// The plumbing of a forward-only, read-only stream over another one: not seekable, not writable, the array overloads
/// routed to the span and memory ones, and the inner stream disposed with it unless <paramref name="leaveOpen"/>.
/// A derived stream implements the two reads (and <see cref="Length"/> / <see cref="Position"/> where it knows them).
/// </summary>
/// <param name="inner">The stream read through.</param>
/// <param name="leaveOpen">Whether the inner stream stays open when this one is disposed (it is the caller's).</param>
internal abstract class ReadOnlyWrapperStream(Stream inner, bool leaveOpen = false) : Stream
{
    /// <summary>The stream read through.</summary>
    protected Stream Inner { get; } = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

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
        if (disposing && !leaveOpen)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen)
        {
            await Inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
