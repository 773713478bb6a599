using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    internal override string Backend => RegistryMetrics.FileSystemBackend;

    /// <summary>Starts the directory watcher, if <see cref="FileSystemRegistryOptions.WatchForChanges"/> and not yet started.</summary>
    private protected override void StartExternalChanges()
    {
        lock (_watcherLock)
        {
            if (_watchForChanges && _watcher is null && !ChangesClosed)
            {
                StartWatcher();
            }
        }
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        lock (_watcherLock)
        {
            if (ChangesClosed)
            {
                return;
            }

            CloseChanges();
        }

        _watcher?.Dispose();
    }

    private void StartWatcher()
    {
        try
        {
            DirectorySync.CreateDirectory(_modelsDir);
            var watcher = new FileSystemWatcher(_modelsDir)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.DirectoryName,
            };
            watcher.Created += OnFileEvent;
            watcher.Changed += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += OnWatcherError;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException or ArgumentException)
        {
            Log.WatcherUnavailable(_logger, ex, RootPath);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        string fileName = Path.GetFileName(e.FullPath);
        if (AtomicFile.IsTemp(fileName) || fileName == AuditFileName)
        {
            return;
        }

        string relative = Path.GetRelativePath(_modelsDir, e.FullPath);
        int separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        string first = separator < 0 ? relative : relative[..separator];
        if (ModelName.TryParse(first, out ModelName name))
        {
            PublishExternal(new RegistryChange(RegistryChangeKind.External, name));
        }
    }

    /// <summary>
    /// The watcher lost events (its buffer overflowed on a busy machine, or the watch itself failed): which models changed
    /// is unknown, so every model is reported as <see cref="RegistryChangeKind.External"/> and subscribers re-read what
    /// they serve, instead of missing a change until the next one.
    /// </summary>
    internal void OnWatcherError(object? sender, ErrorEventArgs e)
    {
        Log.WatcherFailed(_logger, e.GetException(), RootPath);
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories(_modelsDir).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string directory in directories)
        {
            if (ModelName.TryParse(directory, out ModelName name))
            {
                PublishExternal(new RegistryChange(RegistryChangeKind.External, name));
            }
        }
    }
}
