using Microsoft.Extensions.Primitives;

namespace MLOps.Internal;

/// <summary>
/// Fires a change token when one file changes: from a <see cref="FileSystemWatcher"/> on its directory and from a
/// poll of its length and last-write time (watchers miss changes on mounted volumes and may be unavailable).
/// </summary>
internal sealed class FileChangeSignal : IDisposable
{
    private readonly string _path;
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _pollTimer;
    private readonly object _lock = new();
    private readonly ChangeSignal _changes = new();
    private (long Length, DateTime LastWriteUtc) _observed;
    private bool _disposed;

    public FileChangeSignal(string path, TimeSpan pollInterval, TimeProvider timeProvider)
    {
        _path = path;
        _observed = Stat();
        string directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            try
            {
                _watcher = new FileSystemWatcher(directory, Path.GetFileName(path))
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
                };
                _watcher.Changed += OnEvent;
                _watcher.Created += OnEvent;
                _watcher.Renamed += OnEvent;
                _watcher.Error += (_, _) => Signal();
                _watcher.EnableRaisingEvents = true;
            }
            catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException or ArgumentException)
            {
                // inotify limits, unsupported file systems: polling alone still detects changes.
                _watcher?.Dispose();
                _watcher = null;
            }
        }

        if (pollInterval > TimeSpan.Zero)
        {
            _pollTimer = timeProvider.CreateTimer(static s => ((FileChangeSignal)s!).Poll(), this, pollInterval, pollInterval);
        }
    }

    public IChangeToken GetToken() => _changes.GetToken();

    /// <summary>Records the file's current state as seen by a load attempt, so the poll fires only on later changes.</summary>
    public void MarkObserved()
    {
        lock (_lock)
        {
            _observed = Stat();
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Signal();

    private void Poll()
    {
        var now = Stat();
        bool changed;
        lock (_lock)
        {
            changed = now != _observed;
            _observed = now;
        }

        if (changed)
        {
            Signal();
        }
    }

    private void Signal() => _changes.Signal();

    private (long, DateTime) Stat()
    {
        try
        {
            var info = new FileInfo(_path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
        }
        catch (IOException)
        {
            return (-1, default);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _pollTimer?.Dispose();
        _watcher?.Dispose();
        _changes.Dispose();
    }
}
