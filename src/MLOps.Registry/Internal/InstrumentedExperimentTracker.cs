namespace MLOps.Registry.Internal;

/// <summary>
/// The <see cref="IExperimentTracker"/> that dependency injection hands out: forwards every call to the backend and
/// records <c>mlops.tracking.operation.duration</c> for it, counts the runs it ended (<c>mlops.tracking.runs.ended</c>)
/// and the metric points it stored (<c>mlops.tracking.metric_points</c>). One decorator for both backends, as for the
/// registry. An instrument nobody listens to costs nothing: with no listener, calls go straight to the backend.
/// </summary>
internal sealed class InstrumentedExperimentTracker : IExperimentTracker
{
    private readonly IExperimentTracker _inner;
    private readonly TrackingMetrics _metrics;
    private readonly string _backend;

    /// <summary>Wraps <paramref name="inner"/>, tagging its metrics with <paramref name="backend"/> (<c>file_system</c> or <c>postgres</c>).</summary>
    public InstrumentedExperimentTracker(IExperimentTracker inner, TrackingMetrics metrics, string backend)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(metrics);
        _inner = inner;
        _metrics = metrics;
        _backend = backend;
    }

    /// <summary>Gets the backend this instance forwards to.</summary>
    public IExperimentTracker Inner => _inner;

    public Task<Experiment> CreateExperimentAsync(string name, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default) =>
        Measure("create_experiment", (name, tags, cancellationToken), static (t, s) => t.CreateExperimentAsync(s.name, s.tags, s.cancellationToken));

    public Task<Experiment?> GetExperimentAsync(string name, CancellationToken cancellationToken = default) =>
        Measure("get_experiment", (name, cancellationToken), static (t, s) => t.GetExperimentAsync(s.name, s.cancellationToken));

    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) =>
        Measure("list_experiments", cancellationToken, static (t, s) => t.ListExperimentsAsync(s));

    public Task<TrackedRun> StartRunAsync(
        string experimentName, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default) =>
        Measure("start_run", (experimentName, runName, tags, cancellationToken), static (t, s) => t.StartRunAsync(s.experimentName, s.runName, s.tags, s.cancellationToken));

    public Task<TrackedRun> EndRunAsync(string runId, RunStatus status = RunStatus.Finished, string? error = null, CancellationToken cancellationToken = default)
    {
        Task<TrackedRun> ended = Measure("end_run", (runId, status, error, cancellationToken), static (t, s) => t.EndRunAsync(s.runId, s.status, s.error, s.cancellationToken));
        return _metrics.RunsEnded.Enabled ? CountEndedAsync(ended) : ended;
    }

    public Task<TrackedRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        Measure("get_run", (runId, cancellationToken), static (t, s) => t.GetRunAsync(s.runId, s.cancellationToken));

    public Task<IReadOnlyList<TrackedRun>> SearchRunsAsync(RunSearchQuery? query = null, CancellationToken cancellationToken = default) =>
        Measure("search_runs", (query, cancellationToken), static (t, s) => t.SearchRunsAsync(s.query, s.cancellationToken));

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) =>
        Measure("log_params", (runId, parameters, cancellationToken), static (t, s) => t.LogParamsAsync(s.runId, s.parameters, s.cancellationToken));

    public Task LogMetricAsync(
        string runId, string key, double value, long step = 0, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        Task logged = Measure("log_metric", (runId, key, value, step, timestamp, cancellationToken), static (t, s) => t.LogMetricAsync(s.runId, s.key, s.value, s.step, s.timestamp, s.cancellationToken));
        return _metrics.MetricPoints.Enabled ? CountPointsAsync(logged, 1) : logged;
    }

    public Task LogMetricsAsync(string runId, IEnumerable<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!_metrics.MetricPoints.Enabled)
        {
            return Measure("log_metrics", (runId, points, cancellationToken), static (t, s) => t.LogMetricsAsync(s.runId, s.points, s.cancellationToken));
        }

        // Counted after the backend stored them; a lazy sequence is materialized once so it is not enumerated twice.
        IReadOnlyCollection<MetricPoint> counted = points as IReadOnlyCollection<MetricPoint> ?? [.. points];
        return CountPointsAsync(
            Measure("log_metrics", (runId, counted, cancellationToken), static (t, s) => t.LogMetricsAsync(s.runId, s.counted, s.cancellationToken)), counted.Count);
    }

    public Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default) =>
        Measure("get_metric_history", (runId, key, cancellationToken), static (t, s) => t.GetMetricHistoryAsync(s.runId, s.key, s.cancellationToken));

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default) =>
        Measure("set_tags", (runId, tags, cancellationToken), static (t, s) => t.SetTagsAsync(s.runId, s.tags, s.cancellationToken));

    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default) =>
        Measure("delete_tag", (runId, key, cancellationToken), static (t, s) => t.DeleteTagAsync(s.runId, s.key, s.cancellationToken));

    public Task LogDatasetInputAsync(string runId, DatasetInput input, CancellationToken cancellationToken = default) =>
        Measure("log_dataset_input", (runId, input, cancellationToken), static (t, s) => t.LogDatasetInputAsync(s.runId, s.input, s.cancellationToken));

    public Task<RunArtifact> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default) =>
        Measure("log_artifact", (runId, path, content, cancellationToken), static (t, s) => t.LogArtifactAsync(s.runId, s.path, s.content, s.cancellationToken));

    public Task<IReadOnlyList<RunArtifact>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default) =>
        Measure("list_artifacts", (runId, cancellationToken), static (t, s) => t.ListArtifactsAsync(s.runId, s.cancellationToken));

    public Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default) =>
        Measure("open_artifact", (runId, path, cancellationToken), static (t, s) => t.OpenArtifactAsync(s.runId, s.path, s.cancellationToken));

    private async Task<TrackedRun> CountEndedAsync(Task<TrackedRun> ending)
    {
        TrackedRun ended = await ending.ConfigureAwait(false);
        _metrics.RecordRunEnded(ended.Status, _backend);
        return ended;
    }

    private async Task CountPointsAsync(Task logging, int count)
    {
        await logging.ConfigureAwait(false);
        if (count > 0)
        {
            _metrics.RecordMetricPoints(count, _backend);
        }
    }

    // The arguments travel as state to a static lambda, so a call allocates no closure (and no state machine) when
    // nothing listens.
    private Task<T> Measure<TState, T>(string operation, TState state, Func<IExperimentTracker, TState, Task<T>> call) =>
        _metrics.OperationDuration.Enabled ? _metrics.Operations.MeasureAsync(operation, _backend, _inner, state, call) : call(_inner, state);

    private Task Measure<TState>(string operation, TState state, Func<IExperimentTracker, TState, Task> call) =>
        _metrics.OperationDuration.Enabled
            ? _metrics.Operations.MeasureAsync(operation, _backend, _inner, (call, state), static async (t, s) => { await s.call(t, s.state).ConfigureAwait(false); return true; })
            : call(_inner, state);
}
