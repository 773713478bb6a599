using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;

namespace MLOps.Monitoring.Batch;

/// <summary>What a batch monitoring job reads: one model's logged predictions in [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record BatchMonitoringRequest
{
    private readonly int? _qualityWindowSize;

    /// <summary>Initializes a request.</summary>
    /// <param name="model">The model.</param>
    /// <param name="from">The start of the range (inclusive).</param>
    /// <param name="to">The end of the range (exclusive).</param>
    /// <exception cref="ArgumentException"><paramref name="from"/> is not before <paramref name="to"/>.</exception>
    public BatchMonitoringRequest(ModelName model, DateTimeOffset from, DateTimeOffset to)
    {
        if (from >= to)
        {
            throw new ArgumentException($"The range start ({from:O}) must be before its end ({to:O}).", nameof(from));
        }

        Model = model;
        From = from;
        To = to;
    }

    /// <summary>Gets the model.</summary>
    public ModelName Model { get; }

    /// <summary>Gets the start of the range (inclusive), compared with each prediction's timestamp.</summary>
    public DateTimeOffset From { get; }

    /// <summary>Gets the end of the range (exclusive).</summary>
    public DateTimeOffset To { get; }

    /// <summary>
    /// Gets the reference profile every version is compared with. When <see langword="null"/> (the default), each
    /// version's rows are compared with that version's own profile from the registered
    /// <see cref="IReferenceProfileProvider"/> (with a model registry, the profile stored with the version).
    /// </summary>
    public ReferenceProfile? Reference { get; init; }

    /// <summary>Gets the drift options (methods, thresholds, correction), or <see langword="null"/> for the defaults.</summary>
    public DriftOptions? DriftOptions { get; init; }

    /// <summary>
    /// Gets the model's quality task. When <see langword="null"/> (the default), the task and window of the model's
    /// quality monitoring in this process are used (<c>WithQualityMonitoring</c>); a model without either gets no
    /// quality report (a note says so).
    /// </summary>
    public QualityTask? Task { get; init; }

    /// <summary>
    /// Gets the number of labelled predictions per quality window, or <see langword="null"/> for the model's online
    /// window (or <see cref="QualityMonitoringBuilder{TIn, TOut}.DefaultWindowSize"/> without one).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? QualityWindowSize
    {
        get => _qualityWindowSize;
        init
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A quality window holds at least one labelled prediction.");
            }

            _qualityWindowSize = value;
        }
    }
}
