namespace MLOps.Shared.FileSystem;

/// <summary>
/// A cross-process write lock: the lock file opened with <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix,
/// a share-mode lock on Windows). The operating system releases it when the holder dies, so a killed writer never leaves
/// the store locked. Also exclusive between two opens in one process, so it serializes instances and concurrent calls
/// alike. Acquisition retries with exponential backoff and jitter, timed by the caller's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or throws what <paramref name="timedOut"/> returns once <paramref name="timeout"/> has passed.</summary>
    /// <param name="path">The lock file; created if missing.</param>
    /// <param name="timeout">How long to keep retrying.</param>
    /// <param name="maxBackoff">The longest wait between two attempts (before jitter).</param>
    /// <param name="timeProvider">Measures <paramref name="timeout"/>.</param>
    /// <param name="onContended">Called once, on the first attempt that finds the lock held.</param>
    /// <param name="timedOut">Builds the exception to throw on timeout.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<FileLock> AcquireAsync(
        string path, TimeSpan timeout, TimeSpan maxBackoff, TimeProvider timeProvider, Action? onContended, Func<Exception> timedOut, CancellationToken cancellationToken)
    {
        long start = timeProvider.GetTimestamp();
        int maxDelayMs = Math.Max(1, (int)maxBackoff.TotalMilliseconds);
        int delayMs = 1;
        bool reported = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another process, instance or call.
            }
            catch (UnauthorizedAccessException) when (OperatingSystem.IsWindows())
            {
                // Windows reports a pending delete of the file this way; retry.
            }

            if (!reported)
            {
                reported = true;
                onContended?.Invoke();
            }

            if (timeProvider.GetElapsedTime(start) >= timeout)
            {
                throw timedOut();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(delayMs + Random.Shared.Next(delayMs + 1)), cancellationToken).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, maxDelayMs);
        }
    }

    public void Dispose() => _stream.Dispose();
}
