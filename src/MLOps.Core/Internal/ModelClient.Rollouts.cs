using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>
/// Routing during a rollout: a request's bucket (its key's, else a random one) picks the arm; the candidate answers when
/// the bucket is below its weight × 100 (once it is warm). A shadow's share, and every request while the candidate warms
/// up, is mirrored to it through <see cref="MirrorQueue{TIn, TOut}"/> and predicted there, off the caller's path.
/// </summary>
internal sealed partial class ModelClient<TIn, TOut>
{
    private readonly ILogger _logger;

    /// <summary>Gets the mirror queue (shadow and warm-up), for tests.</summary>
    internal MirrorQueue<TIn, TOut> Mirror => _mirror;

    private Prediction<TOut> PredictDuringRollout(CandidateArm<TIn, TOut> arm, TIn input, string? assignmentKey)
    {
        int bucket = Bucket(arm, input, assignmentKey);
        ModelPredictor<TIn, TOut> engine = RentArm(arm, bucket, out ModelHandle<TIn, TOut> handle);
        Prediction<TOut> prediction;
        try
        {
            prediction = PredictCore(handle, engine, input);
        }
        finally
        {
            handle.Return(engine);
        }

        if (bucket < arm.MirrorThreshold && handle != arm.Handle)
        {
            Post(arm, input, prediction.PredictionId);
        }

        return prediction;
    }

    private int Bucket(CandidateArm<TIn, TOut> arm, TIn input, string? assignmentKey)
    {
        string? key = assignmentKey ?? _assignmentKey?.Invoke(input);
        return key is null ? RolloutBucket.Random() : RolloutBucket.Of(key, arm.Seed);
    }

    /// <summary>Rents from the candidate when the bucket is routed to it and it still serves, else from the primary.</summary>
    private ModelPredictor<TIn, TOut> RentArm(CandidateArm<TIn, TOut> arm, int bucket, out ModelHandle<TIn, TOut> handle)
    {
        if (bucket < arm.RouteThreshold && arm.Handle.TryRent() is { } candidate)
        {
            handle = arm.Handle;
            return candidate;
        }

        // Not routed, or the candidate was unloaded since the arm was read: the primary answers.
        return _runtime.Rent(out handle);
    }

    private void Post(CandidateArm<TIn, TOut> arm, TIn input, PredictionId predictionId)
    {
        bool warmup = !arm.Warmup.IsWarm;
        if (!_mirror.TryPost(new MirrorItem<TIn, TOut>(input, predictionId, arm, warmup)) && !warmup && _metrics.ShadowDropped.Enabled)
        {
            _metrics.ShadowDropped.Add(
                1,
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelVersion, arm.Handle.VersionText));
        }
    }

    /// <summary>Runs on the mirror worker: a warm-up prediction, or a shadow prediction recorded and observed as such.</summary>
    private void ProcessMirrored(MirrorItem<TIn, TOut> item)
    {
        ModelHandle<TIn, TOut> handle = item.Arm.Handle;
        if (handle.TryRent() is not { } engine)
        {
            return;   // the candidate was unloaded since the request was mirrored
        }

        if (item.IsWarmup)
        {
            Warm(item.Arm, handle, engine, item.Input);
            return;
        }

        bool recordDuration = _metrics.PredictionDuration.Enabled;
        long started = recordDuration ? Stopwatch.GetTimestamp() : 0;
        TOut value;
        try
        {
            value = engine.Predict(item.Input);
        }
#pragma warning disable CA1031 // a shadow that throws is counted, never seen by a caller
        catch (Exception ex)
#pragma warning restore CA1031
        {
            handle.Return(engine);
            if (recordDuration)
            {
                RecordFailedDuration(handle, started, ex);
            }

            if (_metrics.ShadowErrors.Enabled)
            {
                _metrics.ShadowErrors.Add(
                    1,
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value),
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelVersion, handle.VersionText),
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ErrorType, ex.GetType().FullName));
            }

            return;
        }

        handle.Return(engine);
        if (recordDuration)
        {
            _metrics.PredictionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, handle.DurationTags(_runtime.Name.Value));
        }

        if (_metrics.ShadowPredictions.Enabled)
        {
            _metrics.ShadowPredictions.Add(
                1,
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelVersion, handle.VersionText));
        }

        if (_observers.Length != 0)
        {
            Notify(item.Input, new Prediction<TOut>(value, item.PredictionId, handle.Version, handle.Variant), isShadow: true);
        }
    }

    private void Warm(CandidateArm<TIn, TOut> arm, ModelHandle<TIn, TOut> handle, ModelPredictor<TIn, TOut> engine, TIn input)
    {
        try
        {
            // Not recorded nor observed: the first, cold predictions of a version are what the warm-up keeps out of its figures.
            _ = engine.Predict(input);
        }
#pragma warning disable CA1031 // a warm-up prediction that throws is logged once; the analysis judges the candidate on live traffic
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (arm.Warmup.FirstFailure())
            {
                Log.WarmupFailed(_logger, ex, _runtime.Name.Value, handle.Version);
            }
        }
        finally
        {
            handle.Return(engine);
        }

        if (arm.Warmup.Count())
        {
            Log.CandidateWarm(_logger, _runtime.Name.Value, handle.Version, arm.Rollout.Id);
        }
    }

    public ValueTask DisposeAsync() => _mirror.DisposeAsync();

    public void Dispose() => _mirror.Dispose();
}
