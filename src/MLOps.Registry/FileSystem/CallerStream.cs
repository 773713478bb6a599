using MLOps.Registry.Internal;

namespace MLOps.Registry.FileSystem;

/// <summary>
/// The caller's artifact content, read through: remembers an exception its reads throw, so that a failure of the caller's
/// own stream is rethrown as it is rather than reported as a storage failure of the registry. The caller's stream stays
/// open (it is the caller's to dispose).
/// </summary>
internal sealed class CallerStream(Stream inner) : ReadOnlyWrapperStream(inner, leaveOpen: true)
{
    /// <summary>Gets the exception a read of the caller's stream threw, if any.</summary>
    public Exception? Failure { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Inner.Read(buffer);
        }
        catch (Exception ex)
        {
            Failure = ex;
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failure = ex;
            throw;
        }
    }
}
