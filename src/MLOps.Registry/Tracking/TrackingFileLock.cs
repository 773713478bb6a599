namespace MLOps.Registry.Tracking;

/// <summary>
/// A cross-process lock: the lock file opened with <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Unix, a
/// share-mode lock on Windows), released by the operating system if the holder dies. Also exclusive between two opens in
/// one process, so it serializes tracker instances and concurrent calls alike. Retries with backoff and jitter.
/// </summary>
internal sealed class TrackingFileLock : IDisposable
{
    private readonly FileStream _stream;

    private TrackingFileLock(FileStream stream) => _stream = stream;

    public static async Task<TrackingFileLock> AcquireAsync(string path, TimeSpan timeout, Action? onContended, CancellationToken cancellationToken)
    {
        long start = TimeProvider.System.GetTimestamp();
        int delayMs = 1;
        bool reported = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new TrackingFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
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

            if (TimeProvider.System.GetElapsedTime(start) >= timeout)
            {
                throw new ModelRegistryException(
                    RegistryErrorCode.LockTimeout,
                    $"The tracking lock file '{path}' is held by another process or instance; gave up after {timeout.TotalSeconds:0.#} s. " +
                    "Retry, or raise FileSystemTrackingOptions.LockTimeout.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(delayMs + Random.Shared.Next(delayMs + 1)), cancellationToken).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 20);
        }
    }

    public void Dispose() => _stream.Dispose();
}
