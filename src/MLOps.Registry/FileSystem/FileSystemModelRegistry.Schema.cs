using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    private async Task EnsureSchemaAsync(bool forWrite, CancellationToken cancellationToken)
    {
        if (_schemaChecked)
        {
            return;
        }

        if (await ReadSchemaAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!forWrite)
        {
            return; // an empty (not yet created) registry reads as empty
        }

        DirectorySync.CreateDirectory(RootPath);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await ReadSchemaAsync(cancellationToken).ConfigureAwait(false))
            {
                await WriteJsonAsync(_schemaPath, new SchemaDocument { SchemaVersion = CurrentSchemaVersion, CreatedAt = _time.GetUtcNow() }).ConfigureAwait(false);
                _schemaChecked = true;
            }
        }
    }

    private async Task<bool> ReadSchemaAsync(CancellationToken cancellationToken)
    {
        if (await ReadBytesAsync(_schemaPath, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return false;
        }

        SchemaDocument schema = RegistryFileCheck.Schema(Parse<SchemaDocument>(bytes, _schemaPath), _schemaPath);

        if (schema.SchemaVersion > CurrentSchemaVersion)
        {
            throw new UnsupportedRegistrySchemaException(schema.SchemaVersion, CurrentSchemaVersion);
        }

        if (schema.SchemaVersion < 1)
        {
            throw RegistryFileCheck.Corrupt(_schemaPath, $"its schema version {schema.SchemaVersion} is invalid (versions start at 1)");
        }

        _schemaChecked = true;
        return true;
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        if (!await _inProcess.WaitAsync(_lockTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new ModelRegistryException(RegistryErrorCode.LockTimeout, $"Timed out after {_lockTimeout.TotalSeconds:0.#} s waiting for another operation of this registry instance.");
        }

        try
        {
            DirectorySync.CreateDirectory(RootPath);
            // The lock timeout is a wall-clock budget, so the system clock: the injected TimeProvider stamps records, and a
            // fake one that is not advanced would make a contended lock wait forever.
            FileLock fileLock = await FileLock.AcquireAsync(
                _lockPath, _lockTimeout, LockMaxBackoff, TimeProvider.System, () => Log.LockContended(_logger, _lockPath), LockTimedOut, cancellationToken)
                .ConfigureAwait(false);
            return new Releaser(fileLock, _inProcess);
        }
        catch
        {
            _inProcess.Release();
            throw;
        }
    }

    private ModelRegistryException LockTimedOut() => new(
        RegistryErrorCode.LockTimeout,
        $"The registry lock file '{_lockPath}' is held by another process or instance; gave up after {_lockTimeout.TotalSeconds:0.#} s. " +
        "Retry, or raise FileSystemRegistryOptions.LockTimeout.");

    private sealed class Releaser(FileLock fileLock, SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose()
        {
            fileLock.Dispose();
            semaphore.Release();
        }
    }
}
