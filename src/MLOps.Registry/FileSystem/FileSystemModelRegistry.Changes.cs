using System.Collections.Immutable;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    /// <remarks>Changes made by other processes are detected by a <see cref="FileSystemWatcher"/> and arrive as <see cref="RegistryChangeKind.External"/>.</remarks>
    public override IDisposable Subscribe(Action<RegistryChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_subscribersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscribers = _subscribers.Add(handler);
            if (_watchForChanges && _watcher is null)
            {
                StartWatcher();
            }
        }

        return new Subscription(this, handler);
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        lock (_subscribersLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _subscribers = [];
        }

        _watcher?.Dispose();
    }

    private void Unsubscribe(Action<RegistryChange> handler)
    {
        lock (_subscribersLock)
        {
            _subscribers = _subscribers.Remove(handler);
        }
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
            Raise(new RegistryChange(RegistryChangeKind.External, name));
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
                Raise(new RegistryChange(RegistryChangeKind.External, name));
            }
        }
    }

    /// <summary>Gets or sets a hook called for each change a mutation of this instance publishes (metrics); never for <see cref="RegistryChangeKind.External"/>.</summary>
    internal Action<RegistryChange>? ChangePublished { get; set; }

    private void Raise(RegistryChange change)
    {
        if (change.Kind != RegistryChangeKind.External)
        {
            ChangePublished?.Invoke(change);
        }

        ImmutableArray<Action<RegistryChange>> subscribers = _subscribers;
        foreach (Action<RegistryChange> handler in subscribers)
        {
            ThreadPool.QueueUserWorkItem(
                static state =>
                {
                    try
                    {
                        state.handler(state.change);
                    }
#pragma warning disable CA1031 // a subscriber's exception must not break the registry or other subscribers
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.SubscriberFailed(state.logger, ex);
                    }
                },
                (handler, change, logger: _logger),
                preferLocal: false);
        }
    }

    private sealed class Subscription(FileSystemModelRegistry registry, Action<RegistryChange> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Unsubscribe(handler);
            }
        }
    }
}
