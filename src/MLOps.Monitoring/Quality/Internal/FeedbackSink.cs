using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Joins feedback with predictions: first the in-memory stores of the monitored models, then the durable
/// <see cref="IPredictionLog"/> (if one is registered). Never throws for unknown, late, duplicate or invalid feedback.
/// </summary>
internal sealed partial class FeedbackSink : IFeedbackSink
{
    private readonly ModelQualityMonitor _monitor;
    private readonly PredictionLogWriter _log;
    private readonly QualityInstruments _instruments;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IFleetFeedbackQueue? _fleet;
    private readonly IFeedbackLog? _feedbackLog;

    public FeedbackSink(
        ModelQualityMonitor monitor,
        PredictionLogWriter log,
        QualityInstruments instruments,
        TimeProvider timeProvider,
        ILogger logger,
        IFleetFeedbackQueue? fleet = null,
        IFeedbackLog? feedbackLog = null)
    {
        _fleet = fleet;
        _feedbackLog = feedbackLog;
        _monitor = monitor;
        _log = log;
        _instruments = instruments;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<FeedbackResult> RecordAsync(PredictionId predictionId, GroundTruth actual, CancellationToken cancellationToken = default)
    {
        if (predictionId.IsEmpty)
        {
            return Count(new FeedbackResult(FeedbackOutcome.Invalid, Reason: "The prediction id is empty."), predictionId);
        }

        if (_fleet is { } fleet)
        {
            return Count(await RecordForFleetAsync(fleet, predictionId, actual, cancellationToken).ConfigureAwait(false), predictionId);
        }

        long now = _timeProvider.GetUtcNow().UtcTicks;
        foreach (ModelQualityTracker tracker in _monitor.Trackers)
        {
            StoreLookup lookup = tracker.Store.TryGet(predictionId, now, out StoredPrediction stored);
            if (lookup == StoreLookup.NotFound)
            {
                continue;
            }

            var version = new ModelVersion(stored.Version);
            return Count(await KeepAsync(Resolve(tracker, predictionId, lookup, version, stored, actual), predictionId, actual, cancellationToken).ConfigureAwait(false), predictionId);
        }

        if (_log.Log is { } log)
        {
            PredictionRecord? found;
            try
            {
                found = await log.FindAsync(predictionId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.PredictionLogLookupFailed(_logger, ex, predictionId);
                found = null;
            }

            if (found is { } record && _monitor.Find(record.ModelName.Value) is { } tracker)
            {
                // Remember it (as labelled once joined) so that repeated feedback is answered as a duplicate.
                StoreLookup lookup = tracker.Store.IsExpired(record.Timestamp.UtcTicks, now) ? StoreLookup.Expired : StoreLookup.Live;
                var stored = StoredPrediction.From(record);
                tracker.Admit(ref stored, count: false);   // the log's strings and values are bounded and checked like a live prediction's
                StoreLookup again = tracker.Store.TryGet(predictionId, now, out _);
                if (again == StoreLookup.NotFound)
                {
                    tracker.Store.Add(stored);
                }
                else
                {
                    lookup = again;   // another call added it meanwhile
                }

                return Count(await KeepAsync(Resolve(tracker, predictionId, lookup, record.ModelVersion, stored, actual), predictionId, actual, cancellationToken).ConfigureAwait(false), predictionId);
            }
        }

        return Count(new FeedbackResult(FeedbackOutcome.UnknownPrediction, Reason: "No monitored model knows this prediction id."), predictionId);
    }

    /// <summary>
    /// Stores joined feedback in the registered <see cref="IFeedbackLog"/> (one process: the JSON-lines log), so batch
    /// jobs over the log see the ground truth. A failed write is logged: the feedback was joined and is answered so.
    /// </summary>
    private async ValueTask<FeedbackResult> KeepAsync(FeedbackResult result, PredictionId id, GroundTruth actual, CancellationToken cancellationToken)
    {
        if (result.Outcome != FeedbackOutcome.Joined || _feedbackLog is not { } feedbackLog)
        {
            return result;
        }

        try
        {
            await feedbackLog.TryAppendAsync(new FeedbackRecord(id, actual, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.FeedbackLogWriteFailed(_logger, ex, id);
        }

        return result;
    }

    private static FeedbackResult Resolve(
        ModelQualityTracker tracker,
        PredictionId id,
        StoreLookup lookup,
        ModelVersion version,
        in StoredPrediction stored,
        in GroundTruth actual)
    {
        ModelName model = tracker.Name;
        string variant = stored.Variant;
        string? invalid = tracker.TryConvert(actual, out double actualNumber, out string? actualLabel);
        if (invalid is not null)
        {
            tracker.CountInvalid();
            return new FeedbackResult(FeedbackOutcome.Invalid, model, version, variant, invalid);
        }

        if (stored.Refusal != PredictionRefusal.None)
        {
            tracker.RecordRefused(version, variant);
            return new FeedbackResult(FeedbackOutcome.Invalid, model, version, variant, tracker.RefusalReason(stored.Refusal));
        }

        if (lookup == StoreLookup.Labelled || !tracker.Store.TryMarkLabelled(id))
        {
            tracker.CountDuplicate();
            return new FeedbackResult(FeedbackOutcome.Duplicate, model, version, variant, "This prediction already received feedback.");
        }

        if (lookup == StoreLookup.Expired)
        {
            tracker.RecordLate(version, variant);
            return new FeedbackResult(FeedbackOutcome.Late, model, version, variant, "The prediction is older than the feedback time-to-live.");
        }

        tracker.Join(version, variant, stored.Value, stored.Score, stored.Label, stored.Segment, actualNumber, actualLabel);
        if (tracker.ShadowStore is { } shadows
            && shadows.TryGet(id, stored.UtcTicks, out StoredPrediction shadow) == StoreLookup.Live
            && shadow.Refusal == PredictionRefusal.None
            && shadows.TryMarkLabelled(id))
        {
            // Paired comparison: the shadow output of the same request is scored on the same label, in its own window.
            tracker.Join(new ModelVersion(shadow.Version), shadow.Variant, shadow.Value, shadow.Score, shadow.Label, shadow.Segment, actualNumber, actualLabel, pairedShadow: true);
        }

        return new FeedbackResult(FeedbackOutcome.Joined, model, version, variant);
    }

    private FeedbackResult Count(FeedbackResult result, PredictionId id)
    {
        if (result.Outcome != FeedbackOutcome.Joined)
        {
            Log.FeedbackNotJoined(_logger, id, result.Outcome);
        }

        if (_instruments.FeedbackReceived.Enabled)
        {
            var tags = new TagList { { MLOpsTelemetry.Tags.Outcome, OutcomeTag(result.Outcome) } };
            if (result.ModelName is { } modelName)
            {
                tags.Add(MLOpsTelemetry.Tags.ModelName, modelName.Value);
                tags.Add(MLOpsTelemetry.Tags.ModelVersion, result.ModelVersion?.Number.ToString(CultureInfo.InvariantCulture));
                tags.Add(MLOpsTelemetry.Tags.Variant, result.Variant);
            }

            _instruments.FeedbackReceived.Add(1, tags);
        }

        return result;
    }

    internal static string OutcomeTag(FeedbackOutcome outcome) => outcome switch
    {
        FeedbackOutcome.Joined => "joined",
        FeedbackOutcome.Late => "late",
        FeedbackOutcome.Duplicate => "duplicate",
        FeedbackOutcome.UnknownPrediction => "unknown_prediction",
        _ => "invalid",
    };
}
