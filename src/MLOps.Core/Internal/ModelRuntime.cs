using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.ML;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>
/// Owns the current <see cref="ModelHandle{TIn, TOut}"/> of one served model: loads it from its source at startup,
/// reloads when the source changes (a failed reload keeps the previous version and never stops later reloads), and
/// publishes each new version with one atomic exchange. A registry source's active rollout adds a candidate arm beside
/// the primary (see ModelRuntime.Rollouts.cs).
/// </summary>
internal sealed partial class ModelRuntime<TIn, TOut> : IModelRuntime, IDisposable
    where TIn : class
    where TOut : class, new()
{
    private static readonly IChangeToken NeverChanges = new CancellationChangeToken(CancellationToken.None);

    private readonly ModelSource _source;
    private readonly MLContext _mlContext;
    private readonly MLOpsMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly int _poolSize;
    private readonly TimeSpan _reloadDelay;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private readonly object _startLock = new();
    private ModelHandle<TIn, TOut>? _current;
    private Task? _startTask;
    private IDisposable? _watchRegistration;
    private int _reloadScheduled;
    private Exception? _lastLoadError;
    private DateTimeOffset? _lastLoadErrorAt;
    private long _loadFailures;

    public ModelRuntime(
        ModelName name,
        string variant,
        ModelSource source,
        MLOpsMetrics metrics,
        ILogger logger,
        TimeProvider timeProvider,
        int poolSize,
        TimeSpan reloadDelay)
    {
        Name = name;
        Variant = variant;
        _source = source;
        _metrics = metrics;
        _logger = logger;
        _timeProvider = timeProvider;
        _poolSize = poolSize;
        _reloadDelay = reloadDelay;
        _mlContext = new MLContext();
        _rollouts = source is IRolloutSource { FollowsRollouts: true } rollouts ? rollouts : null;
    }

    public ModelName Name { get; }

    public string Variant { get; }

    public string SourceDescription => _source.Description;

    internal ModelHandle<TIn, TOut>? Current => Volatile.Read(ref _current);

    /// <summary>
    /// Starts watching the source and loads the first version, once; later calls return the same task. A source that
    /// completes synchronously has loaded when this method returns.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Task start;
        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_startTask is not null)
            {
                return _startTask;
            }

            start = _startTask = StartCoreAsync(cancellationToken);
        }

        if (!start.IsCompleted)
        {
            // A first use that does not wait (see AcquireSlow) must not leave a failure unobserved; the error is kept
            // in _lastLoadError and reported by the next prediction, health check and catalog.
            _ = start.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return start;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        // Watch first: if the first load fails, a later change of the source still recovers.
        if (_source.Watch() is not null)
        {
            _watchRegistration = ChangeToken.OnChange(
                () => _source.Watch() ?? NeverChanges,
                static state => state.ScheduleReload(),
                this);
        }

        await LoadAsync(throwOnFailure: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rents an engine of the current version; the caller returns it with <see cref="ModelHandle{TIn, TOut}.Return"/>.
    /// </summary>
    public ModelPredictor<TIn, TOut> Rent(out ModelHandle<TIn, TOut> handle)
    {
        while (true)
        {
            handle = Volatile.Read(ref _current) ?? AcquireSlow();
            if (handle.TryRent() is { } engine)
            {
                return engine;
            }

            // The version was swapped out between the read and the rent; the next read sees its successor.
        }
    }

    private ModelHandle<TIn, TOut> AcquireSlow()
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);

        // Without a host nothing has started the model: its first use starts the first load. A prediction never waits
        // for a task. A source that completes synchronously (a file or an in-memory transformer: file and CPU work) has
        // loaded when StartAsync returns; an asynchronous source (a registry) keeps loading in the background and this
        // call reports that the load is in progress.
        Task start = StartAsync(CancellationToken.None);
        if (Volatile.Read(ref _current) is { } current)
        {
            return current;
        }

        // A failed load records its error before its task completes: report the error as soon as it is known.
        Exception? startError = start.IsCompleted ? start.Exception?.InnerException : null;   // also observes a failed start
        Exception? error = _lastLoadError ?? startError;
        if (error is null && !start.IsCompleted)
        {
            throw new ModelNotLoadedException(
                Name,
                $"its first load from {_source.Description} is still in progress. Start the host (the MLOps hosted " +
                "service loads every model at startup) or await IModelCatalog.ReloadAsync before the first prediction.",
                lastLoadError: null);
        }

        throw new ModelNotLoadedException(
            Name,
            error is not null ? $"the last load from {_source.Description} failed."
                : start.IsCanceled ? $"the first load from {_source.Description} was canceled."
                : $"{_source.Description} has not provided a model yet.",
            error);
    }

    public Task<bool> ReloadAsync(CancellationToken cancellationToken) => LoadAsync(throwOnFailure: false, cancellationToken);

    private void ScheduleReload()
    {
        if (Interlocked.Exchange(ref _reloadScheduled, 1) == 1 || _disposed.IsCancellationRequested)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                if (_reloadDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_reloadDelay, _timeProvider, _disposed.Token).ConfigureAwait(false);
                }

                // Clear before loading: a change that arrives while loading schedules one more load.
                Volatile.Write(ref _reloadScheduled, 0);
                await LoadAsync(throwOnFailure: false, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    private async Task<bool> LoadAsync(bool throwOnFailure, CancellationToken cancellationToken)
    {
        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The primary first: when a rollout succeeds the alias moves to the candidate, and the primary is reloaded
            // before the ended rollout unloads the candidate.
            bool changed = await LoadPrimaryAsync(throwOnFailure, cancellationToken).ConfigureAwait(false);
            await RefreshRolloutAsync(cancellationToken).ConfigureAwait(false);
            return changed;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async Task<bool> LoadPrimaryAsync(bool throwOnFailure, CancellationToken cancellationToken)
    {
        ModelHandle<TIn, TOut>? current = Volatile.Read(ref _current);
        var context = new ModelLoadContext(Name, _mlContext, current?.Version, current?.Model.Fingerprint);
        LoadedModel? loaded;
        ModelHandle<TIn, TOut> handle;
        try
        {
            loaded = await _source.LoadAsync(context, cancellationToken).ConfigureAwait(false);
            if (loaded is null)
            {
                Log.ModelUnchanged(_logger, Name.Value, _source.Description);
                return false;
            }

            handle = CreateHandle(loaded, Variant, _source.Description);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Exception error = ex as ModelLoadException ?? new ModelLoadException(Name, _source.Description, ex);
            _lastLoadError = error;
            _lastLoadErrorAt = _timeProvider.GetUtcNow();
            Interlocked.Increment(ref _loadFailures);
            RecordLoad(success: false, error);
            Log.ModelReloadFailed(_logger, error, Name.Value, _source.Description, current is null ? "(none)" : current.VersionText);
            if (throwOnFailure)
            {
                throw error;
            }

            return false;
        }

        ModelHandle<TIn, TOut>? previous = Interlocked.Exchange(ref _current, handle);
        _lastLoadError = null;
        RecordLoad(success: true, error: null);
        Log.ModelLoaded(_logger, Name.Value, handle.Version, _source.Description, Variant);
        previous?.Retire();
        return true;
    }

    private ModelHandle<TIn, TOut> CreateHandle(LoadedModel loaded, string variant, string sourceDescription)
    {
        try
        {
            return new ModelHandle<TIn, TOut>(loaded, variant, _poolSize, _timeProvider.GetUtcNow());
        }
        catch (Exception ex)
        {
            if (loaded.OwnsModel)
            {
                loaded.Model.Dispose();
            }

            throw new ModelLoadException(
                Name,
                sourceDescription,
                new InvalidOperationException(
                    $"version {loaded.Version} cannot serve {typeof(TIn).Name} -> {typeof(TOut).Name}: {ex.Message}", ex));
        }
    }

    private void RecordLoad(bool success, Exception? error) => RecordLoad(Variant, success, error);

    private void RecordLoad(string variant, bool success, Exception? error)
    {
        if (!_metrics.ModelLoads.Enabled)
        {
            return;
        }

        var tags = new System.Diagnostics.TagList
        {
            { MLOpsTelemetry.Tags.ModelName, Name.Value },
            { MLOpsTelemetry.Tags.Variant, variant },
            { MLOpsTelemetry.Tags.Outcome, success ? "success" : "failure" },
        };
        if (error is not null)
        {
            tags.Add(MLOpsTelemetry.Tags.ErrorType, (error.InnerException ?? error).GetType().FullName);
        }

        _metrics.ModelLoads.Add(1, tags);
    }

    public ServedModel Describe()
    {
        ModelHandle<TIn, TOut>? current = Volatile.Read(ref _current);
        return new ServedModel
        {
            Name = Name,
            Variant = Variant,
            InputType = typeof(TIn),
            OutputType = typeof(TOut),
            Source = _source.Description,
            Version = current?.Version,
            Fingerprint = current?.Model.Fingerprint,
            Format = current?.Model.Model.Format,
            Signature = current?.Model.Model.Signature,
            LoadedAt = current?.LoadedAt,
            LastLoadError = _lastLoadError,
            LastLoadErrorAt = _lastLoadErrorAt,
            LoadFailures = Interlocked.Read(ref _loadFailures),
        };
    }

    public void Dispose()
    {
        lock (_startLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
        }

        _watchRegistration?.Dispose();
        _source.Dispose();
        Interlocked.Exchange(ref _current, null)?.Retire();
        Interlocked.Exchange(ref _arm, null)?.Handle.Retire();
    }
}
