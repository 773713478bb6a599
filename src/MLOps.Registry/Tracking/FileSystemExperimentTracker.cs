using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;
using MLOps.Registry.Tracking;
using MLOps.Shared.FileSystem;

namespace MLOps;

/// <summary>
/// An experiment tracker in a directory (<c>&lt;root&gt;/tracking</c>): human-readable JSON per experiment and run,
/// metric points appended as JSON lines per key, artifacts as files with their SHA-256. Metadata files are replaced
/// atomically (temporary file, flush to disk, rename); writes to a run hold that run's lock file, so several processes
/// (or tracker instances) can share the directory. Register it with <c>AddFileSystemTracking(o => o.RootPath = ".mlops")</c>,
/// or create one directly for scripts and notebooks.
/// </summary>
/// <remarks>
/// <para>Layout: <c>tracking/experiments/&lt;name&gt;.json</c>; <c>tracking/experiments.lock</c>;
/// <c>tracking/runs/&lt;id&gt;/run.json</c> (parameters, tags, dataset inputs, artifact list with SHA-256);
/// <c>tracking/runs/&lt;id&gt;/run.lock</c>; <c>tracking/runs/&lt;id&gt;/metrics/&lt;key&gt;.jsonl</c> (one point per
/// line; keys outside <c>[A-Za-z0-9_.-]</c> are percent-encoded in the file name);
/// <c>tracking/runs/&lt;id&gt;/artifacts/&lt;path&gt;</c>.</para>
/// <para>A writer killed mid-append leaves at most a torn last line in a metric file: readers ignore a last line without
/// its newline, and the next append cuts it off. A writer killed while storing an artifact leaves only a temporary file
/// under <c>.tmp</c>, never a listed artifact.</para>
/// </remarks>
public sealed partial class FileSystemExperimentTracker : IExperimentTracker
{
    private const string RunFileName = "run.json";
    private const string RunLockName = "run.lock";

    /// <summary>The longest wait between two attempts to take a contended lock file.</summary>
    private static readonly TimeSpan LockMaxBackoff = TimeSpan.FromMilliseconds(20);
    private const string MetricsDirName = "metrics";
    private const string ArtifactsDirName = "artifacts";
    private const string TempDirName = ".tmp";

    private readonly string _experimentsDir;
    private readonly string _runsDir;
    private readonly string _experimentsLock;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Opens (or, on first write, creates) a tracking directory.</summary>
    /// <param name="options">The options; <see cref="FileSystemTrackingOptions.RootPath"/> is required.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FileSystemExperimentTracker(FileSystemTrackingOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult validation = new FileSystemOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        TrackingPath = Path.Combine(Path.GetFullPath(options.RootPath), "tracking");
        _experimentsDir = Path.Combine(TrackingPath, "experiments");
        _runsDir = Path.Combine(TrackingPath, "runs");
        _experimentsLock = Path.Combine(TrackingPath, "experiments.lock");
        _lockTimeout = options.LockTimeout;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("MLOps.Tracking") ?? NullLogger.Instance;
    }

    /// <summary>Gets the full path of the tracking directory (<c>&lt;root&gt;/tracking</c>).</summary>
    public string TrackingPath { get; }

    /// <summary>Test hook: called at named points of a write (crash-injection tests throw there).</summary>
    internal Action<string>? Fault { get; set; }

    // ---------------------------------------------------------------- experiments

    /// <inheritdoc/>
    public async Task<Experiment> CreateExperimentAsync(string name, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(name, nameof(name));
        RegistryValidation.Tags(tags, nameof(tags));
        return (await CreateExperimentCoreAsync(name, tags, mustBeNew: true, cancellationToken).ConfigureAwait(false)).ToExperiment();
    }

    /// <inheritdoc/>
    public async Task<Experiment?> GetExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(name, nameof(name));
        return (await ReadExperimentAsync(ExperimentFile(name), name, cancellationToken).ConfigureAwait(false))?.ToExperiment();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<Experiment>();
        if (!Directory.Exists(_experimentsDir))
        {
            return result;
        }

        foreach (string file in Directory.EnumerateFiles(_experimentsDir, "*.json"))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (AtomicFile.IsTemp(Path.GetFileName(file)) || !Experiment.IsValidName(name))
            {
                continue;
            }

            // A corrupt file fails the listing (CorruptData, naming it) rather than being left out silently.
            if (await ReadExperimentAsync(file, name, cancellationToken).ConfigureAwait(false) is { } document)
            {
                result.Add(document.ToExperiment());
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    // ---------------------------------------------------------------- runs

    /// <inheritdoc/>
    public async Task<TrackedRun> StartRunAsync(
        string experimentName, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(experimentName, nameof(experimentName));
        TrackingValidation.RunName(runName, nameof(runName));

        RegistryValidation.Tags(tags, nameof(tags));
        if (!File.Exists(ExperimentFile(experimentName)))
        {
            await CreateExperimentCoreAsync(experimentName, null, mustBeNew: false, cancellationToken).ConfigureAwait(false);
        }

        var document = new RunDocument
        {
            RunId = Guid.NewGuid().ToString("N"),
            ExperimentName = experimentName,
            RunName = runName,
            Status = RunStatus.Running,
            StartedAt = _time.GetUtcNow(),
        };
        Merge(document.Tags, tags);
        DirectorySync.CreateDirectory(RunDir(document.RunId));
        await WriteJsonAsync(RunFile(document.RunId), document, cancellationToken).ConfigureAwait(false);
        Log.RunStarted(_logger, document.RunId, runName, experimentName);
        return document.ToRun(new Dictionary<string, double>());
    }

    /// <inheritdoc/>
    public async Task<TrackedRun> EndRunAsync(string runId, RunStatus status = RunStatus.Finished, string? error = null, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        TrackingValidation.EndStatus(status, nameof(status));

        RunDocument document = await UpdateRunAsync(runId, requireRunning: true, d =>
        {
            d.Status = status;
            d.EndedAt = _time.GetUtcNow();
            d.Error = TrackingValidation.Error(error);
        }, cancellationToken).ConfigureAwait(false);
        Log.RunEnded(_logger, runId, document.ExperimentName, status);
        return document.ToRun(await ReadLatestMetricsAsync(runId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task<TrackedRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        RunDocument? document = await ReadRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return document?.ToRun(await ReadLatestMetricsAsync(runId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TrackedRun>> SearchRunsAsync(RunSearchQuery? query = null, CancellationToken cancellationToken = default)
    {
        query = TrackingValidation.Query(query, nameof(query));
        var matches = new List<TrackedRun>();
        if (Directory.Exists(_runsDir))
        {
            foreach (string dir in Directory.EnumerateDirectories(_runsDir))
            {
                string runId = Path.GetFileName(dir);
                if (!TrackingValidation.IsValidRunId(runId))
                {
                    continue;
                }

                // A corrupt run fails the search (CorruptData, naming the file) rather than being left out silently.
                RunDocument? document = await ReadRunAsync(runId, cancellationToken).ConfigureAwait(false);

                if (document is null
                    || (query.ExperimentName is { } experiment && !string.Equals(document.ExperimentName, experiment, StringComparison.Ordinal))
                    || (query.Status is { } status && document.Status != status)
                    || (query.StartedAfter is { } after && document.StartedAt <= after)
                    || (query.Tags is { } required && required.Any(t => !document.Tags.TryGetValue(t.Key, out string? v) || !string.Equals(v, t.Value, StringComparison.Ordinal))))
                {
                    continue;
                }

                matches.Add(document.ToRun(await ReadLatestMetricsAsync(runId, cancellationToken).ConfigureAwait(false)));
            }
        }

        IEnumerable<TrackedRun> ordered;
        if (query.OrderByMetric is { } metric)
        {
            double Key(TrackedRun r) => r.Metrics.TryGetValue(metric, out double v) ? (query.Ascending ? v : -v) : double.PositiveInfinity;
            ordered = matches.OrderBy(Key).ThenByDescending(r => r.StartedAt).ThenBy(r => r.RunId, StringComparer.Ordinal);
        }
        else
        {
            ordered = matches.OrderByDescending(r => r.StartedAt).ThenBy(r => r.RunId, StringComparer.Ordinal);
        }

        return [.. ordered.Take(query.MaxResults)];
    }

    // ---------------------------------------------------------------- params, metrics, tags, datasets

    /// <inheritdoc/>
    public async Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(parameters);
        RegistryValidation.Params(parameters, nameof(parameters));
        await UpdateRunAsync(runId, requireRunning: true, d =>
        {
            foreach ((string key, string value) in parameters)
            {
                if (d.Params.TryGetValue(key, out string? existing) && !string.Equals(existing, value, StringComparison.Ordinal))
                {
                    throw TrackingValidation.ParamAlreadyLogged(runId, key, existing, value);
                }
            }

            Merge(d.Params, parameters);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task LogMetricAsync(
        string runId, string key, double value, long step = 0, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        TrackingValidation.Metric(key, value, step);
        return AppendMetricsAsync(runId, [new MetricLine(key, value, step, timestamp ?? _time.GetUtcNow())], cancellationToken);
    }

    /// <inheritdoc/>
    public Task LogMetricsAsync(string runId, IEnumerable<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(points);
        List<MetricLine> lines = [.. TrackingValidation.Points(points, _time.GetUtcNow(), nameof(points)).Select(p => new MetricLine(p.Key, p.Value, p.Step, p.Timestamp))];
        return lines.Count == 0 ? Task.CompletedTask : AppendMetricsAsync(runId, lines, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        RegistryValidation.Key(key, "metric", nameof(key));
        List<MetricLine> lines = await ReadMetricFileAsync(MetricFile(runId, key), cancellationToken).ConfigureAwait(false);
        return [.. lines
            .Where(l => string.Equals(l.Key, key, StringComparison.Ordinal))
            .Select((l, i) => (Line: l, Index: i))
            .OrderBy(x => x.Line.Step).ThenBy(x => x.Line.Timestamp).ThenBy(x => x.Index)
            .Select(x => new MetricPoint(x.Line.Key, x.Line.Value, x.Line.Step, x.Line.Timestamp))];
    }

    /// <inheritdoc/>
    public async Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(tags);
        RegistryValidation.Tags(tags, nameof(tags));
        await UpdateRunAsync(runId, requireRunning: false, d => Merge(d.Tags, tags), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        RegistryValidation.Key(key, "tag", nameof(key));
        await UpdateRunAsync(runId, requireRunning: false, d => d.Tags.Remove(key), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task LogDatasetInputAsync(string runId, DatasetInput input, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(input);
        DatasetInput copy = TrackingValidation.Dataset(input, nameof(input));
        await UpdateRunAsync(runId, requireRunning: true, d => d.Datasets.Add(copy), cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- internals



    internal string RunFile(string runId) => Path.Combine(RunDir(runId), RunFileName);


    private static void ValidateRunId(string? runId, string paramName) => TrackingValidation.RunId(runId, paramName);

    private static void EnsureCanLog(RunDocument document, string artifactPath)
    {
        if (document.Status != RunStatus.Running)
        {
            throw Ended(document);
        }

        TrackingValidation.ArtifactFits(document.RunId, [.. document.Artifacts.Select(a => a.Path)], artifactPath);
    }

    private static ModelRegistryException Ended(RunDocument document) => TrackingValidation.Ended(document.RunId, document.Status);

    private static void Merge(Dictionary<string, string> target, IReadOnlyDictionary<string, string>? source)
    {
        if (source is not null)
        {
            foreach ((string key, string value) in source)
            {
                target[key] = value;
            }
        }
    }

    private string RunDir(string runId) => Path.Combine(_runsDir, runId);

    private string ExperimentFile(string name) => Path.Combine(_experimentsDir, name + ".json");

    private async Task<ExperimentDocument> CreateExperimentCoreAsync(
        string name, IReadOnlyDictionary<string, string>? tags, bool mustBeNew, CancellationToken cancellationToken)
    {
        DirectorySync.CreateDirectory(_experimentsDir);
        using (await LockAsync(_experimentsLock, cancellationToken).ConfigureAwait(false))
        {
            if (await ReadExperimentAsync(ExperimentFile(name), name, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return mustBeNew
                    ? throw TrackingValidation.ExperimentExists(name)
                    : existing;
            }

            var document = new ExperimentDocument { Name = name, CreatedAt = _time.GetUtcNow() };
            Merge(document.Tags, tags);
            await WriteJsonAsync(ExperimentFile(name), document, cancellationToken).ConfigureAwait(false);
            Log.ExperimentCreated(_logger, name);
            return document;
        }
    }

    private async Task<RunDocument> RequireRunAsync(string runId, CancellationToken cancellationToken) =>
        await ReadRunAsync(runId, cancellationToken).ConfigureAwait(false)
        ?? throw TrackingValidation.RunNotFound(runId);

    private static async Task<ExperimentDocument?> ReadExperimentAsync(string path, string name, CancellationToken cancellationToken) =>
        await ReadJsonAsync<ExperimentDocument>(path, cancellationToken).ConfigureAwait(false) is { Exists: true } read
            ? TrackingFileCheck.Experiment(read.Value, path, name)
            : null;

    private async Task<RunDocument?> ReadRunAsync(string runId, CancellationToken cancellationToken) =>
        await ReadJsonAsync<RunDocument>(RunFile(runId), cancellationToken).ConfigureAwait(false) is { Exists: true } read
            ? TrackingFileCheck.Run(read.Value, RunFile(runId), runId)
            : null;

    /// <summary>Reads the run under its lock, applies <paramref name="change"/> (which may throw, writing nothing) and writes it atomically.</summary>
    private async Task<RunDocument> UpdateRunAsync(string runId, bool requireRunning, Action<RunDocument> change, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(RunDir(runId)))
        {
            throw TrackingValidation.RunNotFound(runId);
        }

        using (await LockAsync(Path.Combine(RunDir(runId), RunLockName), cancellationToken).ConfigureAwait(false))
        {
            RunDocument document = await RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (requireRunning && document.Status != RunStatus.Running)
            {
                throw Ended(document);
            }

            change(document);
            await WriteJsonAsync(RunFile(runId), document, cancellationToken).ConfigureAwait(false);
            return document;
        }
    }

    // The lock timeout is a wall-clock budget, as in the registry: the injected TimeProvider only stamps runs and metrics.
    private async Task<FileLock> LockAsync(string path, CancellationToken cancellationToken) =>
        await FileLock.AcquireAsync(
            path, _lockTimeout, LockMaxBackoff, TimeProvider.System, () => Log.TrackingLockContended(_logger, path),
            () => new ModelRegistryException(
                RegistryErrorCode.LockTimeout,
                $"The tracking lock file '{path}' is held by another process or instance; gave up after {_lockTimeout.TotalSeconds:0.#} s. " +
                "Retry, or raise FileSystemTrackingOptions.LockTimeout."),
            cancellationToken).ConfigureAwait(false);

    private Task WriteJsonAsync<T>(string path, T value, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, RegistryJson.Options), Fault, cancellationToken);

    /// <summary>Reads a JSON file: whether it exists and what it holds (which may be <see langword="null"/>: the caller checks it).</summary>
    private static async Task<(bool Exists, T? Value)> ReadJsonAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                return (true, await JsonSerializer.DeserializeAsync<T>(stream, RegistryJson.Options, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (false, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw TrackingFileCheck.Corrupt(path, $"it is not a valid {typeof(T).Name.Replace("Document", string.Empty, StringComparison.Ordinal).ToLowerInvariant()} ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The tracking file '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
