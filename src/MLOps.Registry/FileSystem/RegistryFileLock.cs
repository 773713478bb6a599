namespace MLOps.Registry.FileSystem;

/// <summary>
/// The registry's cross-process write lock: the lock file opened with <see cref="FileShare.None"/> (an exclusive
/// <c>flock</c> on Unix, a share-mode lock on Windows). The operating system releases it when the holder dies, so a
/// killed writer never leaves the registry locked. Acquisition retries with exponential backoff and jitter.
/// </summary>
internal sealed class RegistryFileLock : IDisposable
{
    private readonly FileStream _stream;

    private RegistryFileLock(FileStream stream) => _stream = stream;

    public static async Task<RegistryFileLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider timeProvider, Action? onContended, CancellationToken cancellationToken)
    {
        long start = timeProvider.GetTimestamp();
        int delayMs = 1;
        bool reported = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new RegistryFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another process or instance.
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
                throw new ModelRegistryException(
                    RegistryErrorCode.LockTimeout,
                    $"The registry lock file '{path}' is held by another process or instance; gave up after {timeout.TotalSeconds:0.#} s. " +
                    "Retry, or raise FileSystemRegistryOptions.LockTimeout.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(delayMs + Random.Shared.Next(delayMs + 1)), cancellationToken).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 50);
        }
    }

    public void Dispose() => _stream.Dispose();
}
