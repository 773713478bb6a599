namespace MLOps;

/// <summary>
/// Experiment tracking in the spirit of MLflow Tracking, in-process: experiments group runs; a run records parameters
/// (write-once), metrics (many points per key, by step), tags (mutable), dataset inputs and artifacts (SHA-256 verified).
/// Implementations in MLOps.Registry: <c>AddFileSystemTracking</c> (a folder) and <c>AddPostgresTracking</c> (the PostgreSQL registry's database).
/// </summary>
/// <remarks>
/// <para>Invalid arguments throw <see cref="ArgumentException"/> naming the parameter before anything is written:
/// experiment names follow <see cref="Experiment.IsValidName"/>; run identifiers are 32 lowercase hexadecimal digits;
/// parameter, metric and tag keys are 1 to 250 printable characters; metric values must be finite; artifact paths follow
/// <see cref="ModelArtifact.ValidatePath"/>.</para>
/// <para>Failures of the store throw <see cref="ModelRegistryException"/> with an <see cref="RegistryErrorCode"/>:
/// <see cref="RegistryErrorCode.NotFound"/> for a missing run, <see cref="RegistryErrorCode.AlreadyExists"/> for an
/// existing experiment or artifact path, <see cref="RegistryErrorCode.InvalidState"/> for logging to a run that has
/// ended (only tags can change after the end), <see cref="RegistryErrorCode.ParamAlreadyLogged"/> for a parameter
/// logged again with a different value, and <see cref="ArtifactIntegrityException"/> for a tampered artifact.</para>
/// </remarks>
public interface IExperimentTracker
{
    /// <summary>Creates an experiment.</summary>
    /// <param name="name">The unique name (<see cref="Experiment.IsValidName"/>).</param>
    /// <param name="tags">The tags, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="ModelRegistryException">It exists (<see cref="RegistryErrorCode.AlreadyExists"/>).</exception>
    Task<Experiment> CreateExperimentAsync(string name, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Gets an experiment.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The experiment, or <see langword="null"/> if it does not exist.</returns>
    Task<Experiment?> GetExperimentAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists every experiment, ordered by name.</summary>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The experiments.</returns>
    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a <see cref="RunStatus.Running"/> run; a missing experiment is created.</summary>
    /// <param name="experimentName">The experiment (<see cref="Experiment.IsValidName"/>).</param>
    /// <param name="runName">A human-readable name (at most 250 printable characters), or <see langword="null"/>.</param>
    /// <param name="tags">The initial tags, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The run, with a new <see cref="TrackedRun.RunId"/>.</returns>
    Task<TrackedRun> StartRunAsync(
        string experimentName, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Ends a running run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="status"><see cref="RunStatus.Finished"/>, <see cref="RunStatus.Failed"/> or <see cref="RunStatus.Killed"/>.</param>
    /// <param name="error">Why it failed or was killed (kept to 10 000 characters), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The ended run.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is <see cref="RunStatus.Running"/> or undefined.</exception>
    /// <exception cref="ModelRegistryException">The run has already ended (<see cref="RegistryErrorCode.InvalidState"/>).</exception>
    Task<TrackedRun> EndRunAsync(string runId, RunStatus status = RunStatus.Finished, string? error = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a run with its parameters, latest metrics, tags, dataset inputs and artifacts.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The run, or <see langword="null"/> if it does not exist.</returns>
    Task<TrackedRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Finds runs (see <see cref="RunSearchQuery"/> for the filters and the order).</summary>
    /// <param name="query">The filters, or <see langword="null"/> for the most recent runs of every experiment.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The matching runs, at most <see cref="RunSearchQuery.MaxResults"/>.</returns>
    Task<IReadOnlyList<TrackedRun>> SearchRunsAsync(RunSearchQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Logs parameters. Parameters are write-once: logging a key again with the same value does nothing (so a retried
    /// call is harmless); with a different value the call throws and nothing of the batch is written.
    /// </summary>
    /// <param name="runId">The running run.</param>
    /// <param name="parameters">The parameters (values at most 6000 characters).</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the parameters are stored.</returns>
    /// <exception cref="ModelRegistryException">A key has another value (<see cref="RegistryErrorCode.ParamAlreadyLogged"/>).</exception>
    Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default);

    /// <summary>Logs one point of a metric; a key can have many points (one per step, or several).</summary>
    /// <param name="runId">The running run.</param>
    /// <param name="key">The metric name.</param>
    /// <param name="value">The value; NaN and infinities are rejected.</param>
    /// <param name="step">The step (0 or more).</param>
    /// <param name="timestamp">When it was measured, or <see langword="null"/> for now.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the point is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not finite, or <paramref name="key"/> is invalid.</exception>
    Task LogMetricAsync(
        string runId, string key, double value, long step = 0, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default);

    /// <summary>Logs many metric points at once; every point is validated before any is written.</summary>
    /// <param name="runId">The running run.</param>
    /// <param name="points">The points; a <see langword="default"/> timestamp means now.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the points are stored.</returns>
    /// <exception cref="ArgumentException">A value is not finite, a key is invalid or a step is negative.</exception>
    Task LogMetricsAsync(string runId, IEnumerable<MetricPoint> points, CancellationToken cancellationToken = default);

    /// <summary>Gets every point of a metric, ordered by step, then timestamp, then logging order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">The metric name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The points (empty if none were logged).</returns>
    Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Sets (adds or replaces) tags; allowed after the run ended.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="tags">The tags (values at most 5000 characters).</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the tags are stored.</returns>
    Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default);

    /// <summary>Removes a tag; allowed after the run ended. Removing a missing tag does nothing.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">The tag key.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the tag is removed.</returns>
    Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Records a dataset the run used.</summary>
    /// <param name="runId">The running run.</param>
    /// <param name="input">The dataset.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A task that completes when the input is stored.</returns>
    Task LogDatasetInputAsync(string runId, DatasetInput input, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a file with the run under a relative path, with its SHA-256. Paths are write-once; a crash while storing
    /// leaves no artifact.
    /// </summary>
    /// <param name="runId">The running run.</param>
    /// <param name="path">The relative path (<see cref="ModelArtifact.ValidatePath"/>).</param>
    /// <param name="content">The content, read to its end; the caller disposes it.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The stored artifact.</returns>
    /// <exception cref="ModelRegistryException">The path is taken (<see cref="RegistryErrorCode.AlreadyExists"/>).</exception>
    Task<RunArtifact> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Lists the artifacts of a run, ordered by path.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The artifacts.</returns>
    Task<IReadOnlyList<RunArtifact>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an artifact. The stream verifies the recorded length and SHA-256 as it is read: reading a tampered or
    /// truncated artifact to its end throws <see cref="ArtifactIntegrityException"/>.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">The artifact path.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A verifying read-only stream; dispose it.</returns>
    /// <exception cref="ModelRegistryException">The run or artifact does not exist (<see cref="RegistryErrorCode.NotFound"/>).</exception>
    Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default);
}
