using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// Replays a batch job's labelled rows through a private <see cref="ModelQualityTracker"/> (the online tracker's code,
/// with a one-slot store and the <see cref="ReplayClock"/>), exactly as the feedback sink joins feedback: the same
/// admission, validation and windows, hence the same metrics on the same pairs. Memory is bounded by the open windows
/// (at most the window size in pairs per version and variant) and the tracker's history of closed windows.
/// </summary>
internal sealed class QualityReplay
{
    private readonly ModelQualityTracker _tracker;
    private readonly ReplayClock _clock = new();

    public QualityReplay(QualitySettings settings)
    {
        _tracker = new ModelQualityTracker(
            settings with { StoreCapacity = 1 },
            _clock,
            new QualityEvents(NullLogger.Instance),
            NullLogger.Instance);
    }

    /// <summary>Feedback that does not fit the task (counted in the report's invalid feedback).</summary>
    public long Invalid { get; private set; }

    public void Add(in PredictionRecord record, in GroundTruth actual)
    {
        _clock.Now = record.Timestamp;
        var stored = StoredPrediction.From(record);
        _tracker.Admit(ref stored);
        if (_tracker.TryConvert(actual, out double actualNumber, out string? actualLabel) is not null)
        {
            _tracker.CountInvalid();
            Invalid++;
            return;
        }

        if (stored.Refusal != PredictionRefusal.None)
        {
            _tracker.RecordRefused(record.ModelVersion, stored.Variant);
            return;
        }

        _tracker.Join(record.ModelVersion, stored.Variant, stored.Value, stored.Score, stored.Label, stored.Segment, actualNumber, actualLabel);
    }

    /// <summary>The report at the end of the range (the clock stays at the last row, so open windows end there).</summary>
    public ModelQualityReport Report() => _tracker.GetLatest();
}
