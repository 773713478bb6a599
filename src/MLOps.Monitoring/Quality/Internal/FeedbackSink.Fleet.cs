using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Fleet mode (an <see cref="IFleetFeedbackQueue"/> is registered): the receiving replica validates the feedback, finds
/// the prediction (its memory, else the durable log, waiting up to <see cref="PredictionWait"/> for a row another
/// replica has not flushed yet), claims it exactly once across the fleet (<see cref="IFeedbackLog"/>, then the queue)
/// and answers; the leader's <see cref="FleetFeedbackJoiner"/> joins the queued pair into the quality windows.
/// </summary>
internal sealed partial class FeedbackSink
{
    /// <summary>
    /// How long feedback for a prediction found nowhere waits for the prediction's row to reach the durable log (another
    /// replica writes its predictions in batches off the request path, as soon as they are queued): the bound of the race.
    /// </summary>
    internal static readonly TimeSpan PredictionWait = TimeSpan.FromSeconds(5);

    /// <summary>How often the log is asked again while waiting.</summary>
    internal static readonly TimeSpan PredictionPollInterval = TimeSpan.FromMilliseconds(100);

    private async ValueTask<FeedbackResult> RecordForFleetAsync(IFleetFeedbackQueue queue, PredictionId id, GroundTruth actual, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        (ModelQualityTracker Tracker, StoredPrediction Stored, bool LabelledHere)? found = FindInMemory(id, now.UtcTicks)
            ?? await FindInLogAsync(id, now, cancellationToken).ConfigureAwait(false);
        if (found is not var (tracker, stored, labelledHere))
        {
            return new FeedbackResult(FeedbackOutcome.UnknownPrediction, Reason: "No monitored model knows this prediction id, here or in the fleet's prediction log.");
        }

        var version = new ModelVersion(stored.Version);
        string? invalid = tracker.TryConvert(actual, out _, out _);
        if (invalid is not null)
        {
            tracker.CountInvalid();
            return new FeedbackResult(FeedbackOutcome.Invalid, tracker.Name, version, stored.Variant, invalid);
        }

        bool claimed = !labelledHere;
        if (claimed)
        {
            var feedback = new FeedbackRecord(id, actual, now);
            var prediction = new PredictionRecord(
                id,
                tracker.Name,
                version,
                stored.Variant,
                new DateTimeOffset(stored.UtcTicks, TimeSpan.Zero),
                stored.Value,
                stored.Score,
                stored.Label,
                stored.Segment);

            // The durable feedback log decides first (first wins across replicas); the queue's own uniqueness makes the
            // join exactly once even without one. The pair is offered to the queue after a repeat too: if the first
            // attempt stored its feedback and stopped there (its replica killed, or the database failing in between),
            // the repeat queues the pair left behind, once, with the feedback that won (the answer stays Duplicate).
            try
            {
                bool first = _feedbackLog is null || await _feedbackLog.TryAppendAsync(feedback, cancellationToken).ConfigureAwait(false);
                bool queued = await queue.TryEnqueueAsync(prediction, feedback, cancellationToken).ConfigureAwait(false);
                claimed = _feedbackLog is null ? queued : first;
                if (!first && queued)
                {
                    Log.FleetFeedbackCompleted(_logger, id);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A dead database is not the client's mistake and not a bug: a typed error the endpoint answers with 503.
                throw new FeedbackStoreUnavailableException($"Recording the feedback for prediction {id} in the fleet's store failed: {ex.Message}", ex);
            }

            tracker.Store.TryMarkLabelled(id);   // remembered here, so a repeat is answered without a round trip
        }

        if (stored.Refusal != PredictionRefusal.None)
        {
            // Queued all the same: the leader counts it as skipped in the window, as a single process does.
            tracker.CountInvalid();
            return new FeedbackResult(FeedbackOutcome.Invalid, tracker.Name, version, stored.Variant, tracker.RefusalReason(stored.Refusal));
        }

        if (!claimed)
        {
            tracker.CountDuplicate();
            return new FeedbackResult(FeedbackOutcome.Duplicate, tracker.Name, version, stored.Variant, "This prediction already received feedback.");
        }

        return tracker.Store.IsExpired(stored.UtcTicks, now.UtcTicks)
            ? new FeedbackResult(FeedbackOutcome.Late, tracker.Name, version, stored.Variant, "The prediction is older than the feedback time-to-live.")
            : new FeedbackResult(FeedbackOutcome.Joined, tracker.Name, version, stored.Variant);
    }

    private (ModelQualityTracker, StoredPrediction, bool)? FindInMemory(PredictionId id, long now)
    {
        foreach (ModelQualityTracker tracker in _monitor.Trackers)
        {
            StoreLookup lookup = tracker.Store.TryGet(id, now, out StoredPrediction stored);
            if (lookup != StoreLookup.NotFound)
            {
                return (tracker, stored, lookup == StoreLookup.Labelled);
            }
        }

        return null;
    }

    private async ValueTask<(ModelQualityTracker, StoredPrediction, bool)?> FindInLogAsync(PredictionId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_log.Log is not { } log)
        {
            return null;
        }

        DateTimeOffset deadline = now + PredictionWait;
        Exception? failure = null;
        while (true)
        {
            PredictionRecord? found;
            try
            {
                found = await log.FindAsync(id, cancellationToken).ConfigureAwait(false);
                failure = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (failure is null)
                {
                    Log.PredictionLogLookupFailed(_logger, ex, id);   // once per request, not once per poll
                }

                failure = ex;
                found = null;   // asked again until the wait is over
            }

            if (found is { } record)
            {
                if (_monitor.Find(record.ModelName.Value) is not { } tracker)
                {
                    return null;
                }

                var stored = StoredPrediction.From(record);
                tracker.Admit(ref stored, count: false);
                return (tracker, stored, false);
            }

            if (_timeProvider.GetUtcNow() >= deadline)
            {
                // The log could not be read: the prediction may well exist, so "unknown" would be a lie the client
                // acts on (it would not send the feedback again). A typed error the endpoint answers with 503.
                return failure is null
                    ? null
                    : throw new FeedbackStoreUnavailableException(
                        $"The prediction {id} is not known here and the fleet's prediction log cannot be read to find it: {failure.Message}", failure);
            }

            await Task.Delay(PredictionPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
