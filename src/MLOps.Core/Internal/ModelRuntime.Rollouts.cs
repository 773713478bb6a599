using Microsoft.Extensions.Logging;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>
/// The candidate arm: after every load of the primary (startup, change events, the poll) the runtime reads the active
/// rollout of its registry alias and keeps the candidate loaded beside the primary, with its own pool and hot swap.
/// </summary>
/// <remarks>
/// Only the load path (under the load lock) and <see cref="Dispose"/> write <see cref="_arm"/>; the hot path reads it
/// once per call. A registry that cannot be read keeps the last known arm and weights; a candidate that cannot be loaded
/// is logged and counted (<c>mlops.rollout.candidate_load_failures</c>) and the primary serves every request.
/// </remarks>
internal sealed partial class ModelRuntime<TIn, TOut>
{
    private readonly IRolloutSource? _rollouts;
    private CandidateArm<TIn, TOut>? _arm;

    /// <summary>Gets the candidate arm of the active rollout, or <see langword="null"/>.</summary>
    internal CandidateArm<TIn, TOut>? Arm => Volatile.Read(ref _arm);

    public bool FollowsRollouts => _rollouts is not null;

    internal ILogger Logger => _logger;

    public CandidateState? DescribeCandidate() =>
        Arm is { } arm ? new CandidateState(arm.Handle.Version, arm.Handle.Variant, arm.EffectiveWeight) : null;

    private async Task RefreshRolloutAsync(CancellationToken cancellationToken)
    {
        if (_rollouts is null || _disposed.IsCancellationRequested)
        {
            return;
        }

        CandidateArm<TIn, TOut>? current = Arm;
        Rollout? rollout;
        try
        {
            rollout = await _rollouts.GetActiveRolloutAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Never drop to 0 or 100 % because of an outage: the last known rollout holds until the registry answers.
            Log.RolloutReadFailed(_logger, ex, Name.Value, current?.Handle.VersionText ?? "(none)", current?.EffectiveWeight ?? 0);
            return;
        }

        if (rollout is not { IsActive: true } || rollout.Candidate == Current?.Version)
        {
            if (current is not null)
            {
                Unload(current);
            }

            return;
        }

        string variant = rollout.Strategy == RolloutStrategy.Shadow ? ModelRuntimeVariants.Shadow : ModelRuntimeVariants.Candidate;
        if (current is not null && current.Handle.Version == rollout.Candidate && current.Handle.Variant == variant)
        {
            if (current.Rollout.Id == rollout.Id && current.Rollout.Revision == rollout.Revision)
            {
                return;
            }

            // New weights (or a new rollout of the same candidate, which warms it up again): same loaded version.
            WarmupCounter warmup = current.Rollout.Id == rollout.Id ? current.Warmup : new WarmupCounter(rollout.WarmupPredictions);
            Volatile.Write(ref _arm, new CandidateArm<TIn, TOut>(rollout, current.Handle, warmup));
            if (current.Rollout.CandidateWeight != rollout.CandidateWeight || current.Rollout.State != rollout.State || current.Rollout.Id != rollout.Id)
            {
                // Not for every revision: a held decision at each analysis interval changes nothing served.
                Log.RolloutWeightChanged(_logger, Name.Value, rollout.Id, rollout.State, rollout.Candidate, rollout.CandidateWeight);
            }

            return;
        }

        string description = $"{_source.Description}, candidate version {rollout.Candidate}";
        ModelHandle<TIn, TOut> handle;
        try
        {
            var context = new ModelLoadContext(Name, _mlContext, current?.Handle.Version, current?.Handle.Model.Fingerprint);
            LoadedModel loaded = await _rollouts.LoadVersionAsync(rollout.Candidate, context, cancellationToken).ConfigureAwait(false);
            handle = CreateHandle(loaded, variant, description);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Exception error = ex as ModelLoadException ?? new ModelLoadException(Name, description, ex);
            RecordCandidateLoadFailure(rollout.Candidate, error);
            RecordLoad(variant, success: false, error);
            Log.CandidateLoadFailed(_logger, error, Name.Value, rollout.Candidate, rollout.Id);
            if (current is not null)
            {
                Unload(current);
            }

            return;
        }

        var arm = new CandidateArm<TIn, TOut>(rollout, handle, new WarmupCounter(rollout.WarmupPredictions));
        CandidateArm<TIn, TOut>? previous = Interlocked.Exchange(ref _arm, arm);
        if (_disposed.IsCancellationRequested)
        {
            // Disposed while the candidate loaded: Dispose may have run before the exchange.
            Interlocked.Exchange(ref _arm, null)?.Handle.Retire();
        }

        previous?.Handle.Retire();
        RecordLoad(variant, success: true, error: null);
        Log.CandidateLoaded(
            _logger, Name.Value, rollout.Candidate, rollout.Id, rollout.Strategy, Current?.VersionText ?? "(none)", rollout.WarmupPredictions, rollout.CandidateWeight);
    }

    private void Unload(CandidateArm<TIn, TOut> current)
    {
        if (Interlocked.CompareExchange(ref _arm, null, current) == current)
        {
            current.Handle.Retire();
            Log.CandidateUnloaded(_logger, Name.Value, current.Rollout.Id, current.Handle.Version);
        }
    }

    private void RecordCandidateLoadFailure(ModelVersion version, Exception error)
    {
        if (_metrics.RolloutCandidateLoadFailures.Enabled)
        {
            _metrics.RolloutCandidateLoadFailures.Add(
                1,
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, Name.Value),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelVersion, version.ToString()),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ErrorType, (error.InnerException ?? error).GetType().FullName));
        }
    }
}
