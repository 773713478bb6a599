using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// One analysis pass over the served models: reads each active rollout, keeps the window of its arms, evaluates the
/// rules and records the decision through <see cref="IModelRegistry.UpdateRolloutAsync"/> with the revision it read. A
/// conflict means someone else decided: the rollout is read again on the next pass, never retried blind. An unreachable
/// registry pauses the model's analysis. Also the <see cref="IRolloutMonitor"/>.
/// </summary>
internal sealed class RolloutAnalyzer : IRolloutMonitor
{
    /// <summary>The actor of the decisions the analysis records.</summary>
    public const string Actor = "rollout-analysis";

    private readonly IModelRegistry _registry;
    private readonly RolloutSignals _signals;
    private readonly IModelQualityMonitor? _quality;
    private readonly RolloutAnalysisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ModelState> _models = new(StringComparer.Ordinal);

    public RolloutAnalyzer(
        IModelRegistry registry,
        RolloutSignals signals,
        IModelQualityMonitor? quality,
        RolloutAnalysisOptions options,
        TimeProvider time,
        System.Diagnostics.Metrics.IMeterFactory meterFactory,
        ILogger logger)
    {
        _registry = registry;
        _signals = signals;
        _quality = quality;
        _options = options;
        _time = time;
        _logger = logger;
        Metrics = new RolloutMetrics(meterFactory, () => [.. _models.Values.Select(m => m.Status).OfType<RolloutStatus>()]);
    }

    public RolloutMetrics Metrics { get; }

    public RolloutStatus? GetStatus(ModelName modelName) => _models.TryGetValue(modelName.Value, out ModelState? state) ? state.Status : null;

    /// <summary>Analyses every model whose rollout's interval has passed.</summary>
    public async Task RunOnceAsync(IEnumerable<ModelName> models, CancellationToken cancellationToken)
    {
        foreach (ModelName model in models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ModelState state = _models.GetOrAdd(model.Value, static _ => new ModelState());
            if (_time.GetUtcNow() < state.NextDue)
            {
                continue;
            }

            await AnalyseAsync(model, state, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AnalyseAsync(ModelName model, ModelState state, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Rollout? rollout;
        try
        {
            rollout = await _registry.GetActiveRolloutAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Pause(model, state, ex, now);
            return;
        }

        if (rollout is null)
        {
            _signals.Remove(model);
            state.Window = null;
            return;
        }

        if (state.Window is null || state.Window.Key != RolloutWindow.KeyOf(rollout))
        {
            // A new rollout, step, primary or candidate, or a restart: the figures start again from zero.
            OpenWindow(model, state, rollout, now);
            state.Status = Describe(rollout, state, "analysis window opened", now);
            return;
        }

        state.NextDue = now + rollout.Analysis.Interval;
        if (rollout.State != RolloutState.Progressing)
        {
            state.Status = Describe(rollout, state, rollout.State == RolloutState.Paused ? "paused: no decisions" : "awaiting approval: no decisions", now);
            return;
        }

        (RolloutArmStatus primary, RolloutArmStatus candidate) = Snapshot(model, rollout, state.Window);
        SequentialTestResult? experiment = null;
        if (rollout.Strategy == RolloutStrategy.Experiment)
        {
            state.SampleRatioPValue = SampleRatio(model, rollout, primary, candidate);
            experiment = state.Experiment = Experiment(model, rollout, state);
        }
        else if (rollout.Strategy == RolloutStrategy.Shadow && rollout.Analysis.PromoteShadowWhenBetter)
        {
            // No assignment to check: every mirrored request is also served by the primary.
            experiment = state.Experiment = Experiment(model, rollout, state);
        }

        RolloutVerdict verdict = RolloutEvaluator.Evaluate(
            rollout, primary, candidate, state.Window.LoadFailure, state.ConsecutiveFailures, _options.MinLabelledPredictions, experiment);
        if (verdict.Action == RolloutAction.Held && rollout.Analysis.QualityMetric is not null && _quality?.GetLatest(model) is null
            && verdict.Reason.StartsWith("waiting for ground truth", StringComparison.Ordinal))
        {
            verdict = verdict with { Reason = $"waiting for ground truth: model '{model}' has no quality monitoring (WithQualityMonitoring), so its quality metric cannot be measured" };
        }

        state.ConsecutiveFailures = verdict.ConsecutiveFailures;
        bool alreadyHeld = verdict.Action == RolloutAction.Held
            && (verdict.Reason == state.LastHeldReason
                || rollout.Decisions is [.., { Action: RolloutAction.Held } last] && last.Reason == verdict.Reason);
        if (alreadyHeld)
        {
            state.Status = Describe(rollout, state, verdict.Reason, now, primary, candidate);
            return;
        }

        await DecideAsync(model, state, rollout, verdict, primary, candidate, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task DecideAsync(
        ModelName model,
        ModelState state,
        Rollout rollout,
        RolloutVerdict verdict,
        RolloutArmStatus primary,
        RolloutArmStatus candidate,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        Rollout updated;
        try
        {
            updated = await _registry.UpdateRolloutAsync(
                new UpdateRolloutRequest(model, rollout.Id, verdict.Action)
                {
                    Reason = verdict.Reason,
                    ExpectedRevision = rollout.Revision,
                    Actor = Actor,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryConflictException)
        {
            // Someone else decided since we read it: read it again on the next poll, never retry blind.
            RolloutLog.Conflict(_logger, model.Value, rollout.Id);
            state.NextDue = now;
            state.Status = Describe(rollout, state, "the rollout changed while it was analysed; reading it again", now, primary, candidate);
            return;
        }
        catch (PromotionRejectedException ex)
        {
            RolloutLog.PromotionRejected(_logger, model.Value, rollout.Id, ex.Message);
            Metrics.Failed(model, "promotion_rejected");
            state.Status = Describe(rollout, state, $"promotion rejected by a gate: {ex.Message}", now, primary, candidate);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Pause(model, state, ex, now);
            return;
        }

        if (verdict.Action == RolloutAction.Promoted && updated.State != RolloutState.Succeeded)
        {
            // The alias did not really move: never report success (Flagger #189).
            RolloutLog.PromotionNotConfirmed(_logger, model.Value, rollout.Id, updated.State);
            Metrics.Failed(model, "promotion_not_confirmed");
            state.Status = Describe(updated, state, $"promotion not confirmed by the registry (state {updated.State})", now, primary, candidate);
            return;
        }

        Metrics.Decided(model, verdict.Action);
        state.LastHeldReason = verdict.Action == RolloutAction.Held ? verdict.Reason : null;
        state.LastDecision = updated.Decisions.Count > 0 ? updated.Decisions[^1] : null;
        if (verdict.Action == RolloutAction.RolledBack)
        {
            RolloutLog.RolledBack(_logger, model.Value, rollout.Id, rollout.Candidate, verdict.Reason);
        }
        else
        {
            RolloutLog.Decided(_logger, model.Value, rollout.Id, verdict.Action, verdict.Reason);
        }

        state.Status = Describe(updated, state, verdict.Reason, now, primary, candidate);
        if (updated.IsActive && RolloutWindow.KeyOf(updated) != state.Window?.Key)
        {
            OpenWindow(model, state, updated, now);   // the next step is judged on its own traffic
        }
    }

    private void OpenWindow(ModelName model, ModelState state, Rollout rollout, DateTimeOffset now)
    {
        state.Window = new RolloutWindow(rollout, now);
        state.ConsecutiveFailures = 0;
        state.Experiment = null;
        state.SampleRatioPValue = null;
        state.LastHeldReason = null;
        state.NextDue = now + rollout.Analysis.Interval;
        _signals.Set(model, state.Window);
    }

    private void Pause(ModelName model, ModelState state, Exception ex, DateTimeOffset now)
    {
        RolloutLog.Paused(_logger, ex, model.Value);
        Metrics.Failed(model, ex.GetType().FullName ?? "unknown");
        state.NextDue = now + _options.PollInterval;
        if (state.Status is { } status)
        {
            state.Status = status with { Paused = true, Summary = $"paused: the registry could not be reached ({ex.Message})", EvaluatedAt = now };
        }
    }

    private double? SampleRatio(ModelName model, Rollout rollout, RolloutArmStatus primary, RolloutArmStatus candidate)
    {
        int weight = rollout.CandidateWeight;
        if (weight is <= 0 or >= 100 || primary.Requests + candidate.Requests == 0)
        {
            return null;
        }

        SampleRatioMismatchResult result = SampleRatioMismatch.Test(
            [primary.Requests, candidate.Requests], [100 - weight, weight], _options.SampleRatioMismatchPValue);
        if (result.IsMismatch)
        {
            RolloutLog.SampleRatioMismatch(_logger, model.Value, rollout.Id, result.PValue, primary.Requests, candidate.Requests, weight);
        }

        return result.PValue;
    }

    /// <summary>
    /// One look of the always-valid sequential test (mSPRT) at the per-prediction measure of the two arms, cumulative since
    /// the experiment's window opened; the running p-value and interval travel from look to look.
    /// </summary>
    private SequentialTestResult? Experiment(ModelName model, Rollout rollout, ModelState state)
    {
        SampleMoments control = state.Window!.Primary.Measure.Snapshot();
        SampleMoments treatment = state.Window.Candidate.Measure.Snapshot();
        if (control.Count == 0 || treatment.Count == 0)
        {
            return state.Experiment;
        }

        // The measure is an absolute error for a regression (lower is better), a 1/0 correctness otherwise.
        bool regression = _quality?.GetLatest(model)?.Task == QualityTask.Regression;
        var options = new SequentialTestOptions
        {
            Alpha = rollout.Analysis.Alpha,
            MinSampleSize = Math.Max(2, _options.MinLabelledPredictions),
            Direction = regression ? MetricDirection.LowerIsBetter : MetricDirection.HigherIsBetter,
        };
        return MixtureSequentialTest.Evaluate(control, treatment, options, state.Experiment);
    }

    private (RolloutArmStatus Primary, RolloutArmStatus Candidate) Snapshot(ModelName model, Rollout rollout, RolloutWindow window)
    {
        ModelQualityReport? report = rollout.Analysis.QualityMetric is { } metric && !IsMeasure(metric) ? _quality?.GetLatest(model) : null;
        return (ArmStatus(window.Primary, rollout.Analysis.QualityMetric, report), ArmStatus(window.Candidate, rollout.Analysis.QualityMetric, report));
    }

    /// <summary>Whether the metric is the mean of the per-prediction measure, computed over exactly the window's arms.</summary>
    private static bool IsMeasure(string metric) => metric is QualityMetricNames.Mae or QualityMetricNames.Accuracy;

    private static RolloutArmStatus ArmStatus(Arm arm, string? metric, ModelQualityReport? report)
    {
        SampleMoments measure = arm.Measure.Snapshot();
        (long labelled, double mean) = (measure.Count, measure.Mean);
        SampleMoments agreements = arm.Agreement.Snapshot();
        (long agreed, double agreement) = (agreements.Count, agreements.Mean);
        SampleMoments differences = arm.Difference.Snapshot();
        (long compared, double difference) = (differences.Count, differences.Mean);
        double? quality = metric is null ? null
            : IsMeasure(metric) ? (labelled > 0 ? mean : null)
            : WindowMetric(report, arm, metric);
        return new RolloutArmStatus
        {
            Version = arm.Version,
            Variant = arm.Variant,
            Requests = arm.Operations.Requests,
            Errors = arm.Operations.Errors,
            LatencyP50 = arm.Operations.Latency(0.5),
            LatencyP95 = arm.Operations.Latency(0.95),
            LatencyP99 = arm.Operations.Latency(0.99),
            Labelled = labelled,
            MeanMeasure = labelled > 0 ? mean : null,
            Quality = quality,
            Drift = arm.Drifted,
            Agreement = agreed > 0 ? agreement : null,
            MeanAbsoluteDifference = compared > 0 ? difference : null,
        };
    }

    /// <summary>The metric from quality monitoring's windows of the arm's version: the open window when it has pairs, else the latest closed one.</summary>
    private static double? WindowMetric(ModelQualityReport? report, Arm arm, string metric)
    {
        if (report is null)
        {
            return null;
        }

        bool shadow = Variants.IsShadow(arm.Variant);
        foreach (IReadOnlyList<QualityWindow> windows in (IReadOnlyList<QualityWindow>[])[report.Current, report.Closed])
        {
            foreach (QualityWindow window in windows)
            {
                if (window.ModelVersion == arm.Version && Variants.IsShadow(window.Variant) == shadow && window.Count > 0
                    && window.Metrics.TryGetValue(metric, out double value))
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static RolloutStatus Describe(
        Rollout rollout,
        ModelState state,
        string summary,
        DateTimeOffset now,
        RolloutArmStatus? primary = null,
        RolloutArmStatus? candidate = null) => new()
        {
            ModelName = rollout.Name,
            RolloutId = rollout.Id,
            Strategy = rollout.Strategy,
            State = rollout.State,
            Step = rollout.Step,
            CandidateWeight = rollout.CandidateWeight,
            Primary = primary ?? ArmStatus(state.Window!.Primary, null, null),
            Candidate = candidate ?? ArmStatus(state.Window!.Candidate, null, null),
            ConsecutiveFailures = state.ConsecutiveFailures,
            Summary = summary,
            LastDecision = state.LastDecision,
            SampleRatioPValue = state.SampleRatioPValue,
            Experiment = state.Experiment,
            EvaluatedAt = now,
        };

    private sealed class ModelState
    {
        public RolloutWindow? Window;
        public int ConsecutiveFailures;
        public string? LastHeldReason;
        public RolloutDecision? LastDecision;
        public double? SampleRatioPValue;
        public SequentialTestResult? Experiment;
        public DateTimeOffset NextDue = DateTimeOffset.MinValue;
        public volatile RolloutStatus? Status;
    }
}
