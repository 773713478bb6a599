using System.Globalization;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Tracking;

/// <summary>
/// Argument rules and error messages shared by every <see cref="IExperimentTracker"/> backend, so they behave alike: each
/// check runs before anything is read or written.
/// </summary>
internal static class TrackingValidation
{
    public const int MaxRunNameLength = 250;
    public const int MaxErrorLength = 10_000;
    public const int MaxDatasetTextLength = 1000;
    public const int MaxSearchResults = 100_000;

    public static bool IsValidRunId(string? runId) =>
        runId is { Length: 32 } && runId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static void RunId(string? runId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(runId, paramName);
        if (!IsValidRunId(runId))
        {
            throw new ArgumentException($"'{Truncate(runId)}' is not a run id: run ids are 32 lowercase hexadecimal digits.", paramName);
        }
    }

    public static void RunName(string? runName, string paramName)
    {
        if (runName is not null && (string.IsNullOrWhiteSpace(runName) || runName.Length > MaxRunNameLength || runName.Any(char.IsControl)))
        {
            throw new ArgumentException($"A run name must be 1 to {MaxRunNameLength} printable characters.", paramName);
        }
    }

    public static void EndStatus(RunStatus status, string paramName)
    {
        if (status is not (RunStatus.Finished or RunStatus.Failed or RunStatus.Killed))
        {
            throw new ArgumentOutOfRangeException(paramName, status, "A run ends Finished, Failed or Killed.");
        }
    }

    /// <summary>Keeps an end error to <see cref="MaxErrorLength"/> characters.</summary>
    public static string? Error(string? error) =>
        error is null ? null : error.Length <= MaxErrorLength ? error : string.Concat(error.AsSpan(0, MaxErrorLength - 1), "…");

    public static void Metric(string key, double value, long step)
    {
        RegistryValidation.Key(key, "metric", nameof(key));
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"The value of metric '{key}' is {value.ToString(CultureInfo.InvariantCulture)}; metric values must be finite.", nameof(value));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(step);
    }

    /// <summary>Validates every point and returns them with a default timestamp replaced by <paramref name="now"/>.</summary>
    public static List<MetricPoint> Points(IEnumerable<MetricPoint> points, DateTimeOffset now, string paramName)
    {
        var result = new List<MetricPoint>();
        foreach (MetricPoint? point in points)
        {
            if (point is null)
            {
                throw new ArgumentException("Metric points must not be null.", paramName);
            }

            RegistryValidation.Key(point.Key, "metric", paramName);
            if (!double.IsFinite(point.Value))
            {
                throw new ArgumentException(
                    $"The value of metric '{point.Key}' is {point.Value.ToString(CultureInfo.InvariantCulture)}; metric values must be finite.", paramName);
            }

            if (point.Step < 0)
            {
                throw new ArgumentException($"The step of metric '{point.Key}' is negative.", paramName);
            }

            result.Add(point.Timestamp == default ? point with { Timestamp = now } : point);
        }

        return result;
    }

    /// <summary>Validates a dataset input and returns a copy whose schema list the caller cannot change afterwards.</summary>
    public static DatasetInput Dataset(DatasetInput input, string paramName)
    {
        ArgumentNullException.ThrowIfNull(input, paramName);
        DatasetText(input.Name, required: true, paramName);
        DatasetText(input.Digest, required: true, paramName);
        DatasetText(input.Context, required: false, paramName);
        RegistryValidation.Text(input.Source, paramName);
        if (input.RowCount is < 0)
        {
            throw new ArgumentException("A dataset's row count must not be negative.", paramName);
        }

        if (input.Schema is { } schema && schema.Any(c => c is null || string.IsNullOrEmpty(c.Name) || string.IsNullOrEmpty(c.Type)))
        {
            throw new ArgumentException("Every schema column needs a name and a type.", paramName);
        }

        return input with { Schema = input.Schema is null ? null : [.. input.Schema] };
    }

    /// <summary>Validates a search query (or the default one) and returns it.</summary>
    public static RunSearchQuery Query(RunSearchQuery? query, string paramName)
    {
        query ??= new RunSearchQuery();
        if (query.ExperimentName is not null)
        {
            Experiment.ValidateName(query.ExperimentName, paramName);
        }

        RegistryValidation.Tags(query.Tags, paramName);
        if (query.OrderByMetric is not null)
        {
            RegistryValidation.Key(query.OrderByMetric, "metric", paramName);
        }

        if (query.MaxResults is < 1 or > MaxSearchResults)
        {
            throw new ArgumentOutOfRangeException(paramName, query.MaxResults, "MaxResults must be 1 to 100 000.");
        }

        return query;
    }

    public static ModelRegistryException RunNotFound(string runId) => new(RegistryErrorCode.NotFound, $"There is no run {runId}.");

    public static ModelRegistryException Ended(string runId, RunStatus status) => new(
        RegistryErrorCode.InvalidState,
        $"Run {runId} has ended ({status}); only its tags can change. Start a new run to log more.");

    public static ModelRegistryException ParamAlreadyLogged(string runId, string key, string existing, string value) => new(
        RegistryErrorCode.ParamAlreadyLogged,
        $"Parameter '{key}' of run {runId} is already '{Truncate(existing)}'; parameters are write-once, so it cannot become " +
        $"'{Truncate(value)}'. Log a new parameter or start a new run.");

    public static ModelRegistryException ArtifactExists(string runId, string path) =>
        new(RegistryErrorCode.AlreadyExists, $"Run {runId} already has an artifact '{path}'; artifact paths are write-once.");

    /// <summary>
    /// Refuses a path the run already has (write-once), and a path that cannot sit in one file tree with the run's
    /// artifacts (<c>model</c> and <c>model/x</c>; names that differ only in case), on every backend, so a run's artifacts
    /// can always be downloaded into a directory.
    /// </summary>
    public static void ArtifactFits(string runId, IReadOnlyCollection<string> existing, string path)
    {
        if (existing.Contains(path, StringComparer.Ordinal))
        {
            throw ArtifactExists(runId, path);
        }

        if (existing.Count > 0 && RegistryValidation.TreeConflict(existing.Append(path)) is { } problem)
        {
            throw new ModelRegistryException(RegistryErrorCode.AlreadyExists, $"Run {runId} cannot store the artifact '{Truncate(path)}': {problem}");
        }
    }

    public static ModelRegistryException ArtifactNotFound(string runId, string path) => new(RegistryErrorCode.NotFound, $"Run {runId} has no artifact '{path}'.");

    public static ModelRegistryException ExperimentExists(string name) => new(RegistryErrorCode.AlreadyExists, $"An experiment named '{name}' already exists.");

    public static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    private static void DatasetText(string? value, bool required, string paramName)
    {
        if (value is null ? required : string.IsNullOrWhiteSpace(value) || value.Length > MaxDatasetTextLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"Dataset names, digests and contexts are 1 to {MaxDatasetTextLength} printable characters.", paramName);
        }
    }
}
