using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <summary>The most recent rollout sets of a model this instance remembers having written.</summary>
    private const int RolloutsWrittenKept = 16;

    /// <summary>
    /// Per model, the rollouts of <c>model.json</c> (every id with its revision) as the watcher last read them, and the
    /// ones this instance wrote: a watcher event whose file holds rollouts that are neither is a rollout change made elsewhere.
    /// </summary>
    private readonly Dictionary<ModelName, RolloutsSeen> _rolloutsSeen = [];
    private readonly Lock _rolloutsSeenLock = new();
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
            if (separator >= 0 && relative[(separator + 1)..] == ModelFileName && RolloutChangeOf(name) is { } rolloutChange)
            {
                PublishExternal(rolloutChange);
            }

            PublishExternal(new RegistryChange(RegistryChangeKind.External, name));
        }
    }

    /// <summary>Records the rollouts of a <c>model.json</c> this instance is about to write, so its own write is not reported as another's.</summary>
    private void RememberRollouts(ModelDocument document)
    {
        string written = RolloutsFingerprint(document.Rollouts);
        lock (_rolloutsSeenLock)
        {
            if (!_rolloutsSeen.TryGetValue(document.Model.Name, out RolloutsSeen? seen))
            {
                _rolloutsSeen[document.Model.Name] = seen = new RolloutsSeen();
            }

            seen.Written.Add(written);
            if (seen.Written.Count > RolloutsWrittenKept)
            {
                seen.Written.RemoveAt(0);
            }
        }
    }

    /// <summary>Forgets what a failed write of <c>model.json</c> would have held.</summary>
    private void ForgetRollouts(ModelDocument document)
    {
        string written = RolloutsFingerprint(document.Rollouts);
        lock (_rolloutsSeenLock)
        {
            if (_rolloutsSeen.TryGetValue(document.Model.Name, out RolloutsSeen? seen))
            {
                seen.Written.Remove(written);
            }
        }
    }

    /// <summary>
    /// Reads <c>model.json</c> after a watcher event and compares its rollouts with the ones the watcher last read: a
    /// rollout that is new or at another revision, in a file this instance did not write, is a
    /// <see cref="RegistryChangeKind.RolloutChanged"/> made by another process (with its candidate and alias). Before the
    /// watcher has read a model's file once, it reports one only when the file has an active rollout (subscribers then
    /// re-read it once). A file that cannot be read or parsed reports nothing here; the
    /// <see cref="RegistryChangeKind.External"/> that always follows makes subscribers re-read anyway.
    /// </summary>
    private RegistryChange? RolloutChangeOf(ModelName name)
    {
        string path = ModelFile(name);
        ModelDocument document;
        try
        {
            if (ReadBytes(path) is not { } bytes)
            {
                return null;
            }

            document = RegistryFileCheck.Model(Parse<ModelDocument>(bytes, path), path, name);
        }
        catch (Exception ex) when (ex is ModelRegistryException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (document.Model.Name != name)
        {
            return null;
        }

        string now = RolloutsFingerprint(document.Rollouts);
        string? before;
        lock (_rolloutsSeenLock)
        {
            if (!_rolloutsSeen.TryGetValue(name, out RolloutsSeen? state))
            {
                _rolloutsSeen[name] = state = new RolloutsSeen();
            }

            before = state.Read;
            state.Read = now;
            if (state.Written.Contains(now))
            {
                return null;   // this instance's own write (raised when it committed)
            }

            if (before is null && state.Written.Count > 0)
            {
                before = state.Written[^1];
            }
        }

        if (before == now || (before is null && !document.Rollouts.Exists(r => r.IsActive)))
        {
            return null;
        }

        // The newest rollout that is not as it was: usually the one decision just made.
        HashSet<string> seen = before is null ? new(StringComparer.Ordinal) : new(before.Split(','), StringComparer.Ordinal);
        Rollout? changed = null;
        for (int i = document.Rollouts.Count - 1; i >= 0 && changed is null; i--)
        {
            Rollout rollout = document.Rollouts[i];
            if (!seen.Contains(Fingerprint(rollout)))
            {
                changed = rollout;
            }
        }

        // A rollout removed from the file (a repair) leaves none newer: the active one, if any, is what subscribers follow.
        changed ??= document.Rollouts.Find(r => r.IsActive) ?? (document.Rollouts.Count > 0 ? document.Rollouts[^1] : null);
        return changed is null
            ? new RegistryChange(RegistryChangeKind.RolloutChanged, name)
            : new RegistryChange(RegistryChangeKind.RolloutChanged, name, changed.Candidate, changed.Alias);
    }

    private static string RolloutsFingerprint(List<Rollout> rollouts) => string.Join(',', rollouts.Select(Fingerprint));

    private static string Fingerprint(Rollout rollout) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rollout.Id}:{rollout.Revision}");

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

    /// <summary>What the watcher last read of a model's rollouts, and what this instance wrote.</summary>
    private sealed class RolloutsSeen
    {
        public string? Read { get; set; }

        public List<string> Written { get; } = [];
    }
}
