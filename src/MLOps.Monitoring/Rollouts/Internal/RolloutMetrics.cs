using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>The instruments of the rollout analysis, on the <c>MLOps</c> meter of the application's <see cref="IMeterFactory"/>.</summary>
internal sealed class RolloutMetrics
{
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _errors;

    public RolloutMetrics(IMeterFactory meterFactory, Func<IReadOnlyCollection<RolloutStatus>> statuses)
    {
        Meter meter = meterFactory.Create(MLOpsTelemetry.Name);
        _decisions = meter.CreateCounter<long>(
            RolloutTelemetry.Decisions, unit: "{decision}", description: "Decisions the rollout analysis recorded, by decision.");
        _errors = meter.CreateCounter<long>(
            RolloutTelemetry.AnalysisErrors, unit: "{error}", description: "Rollout analysis passes that could not decide (registry unreachable, decision refused).");
        meter.CreateObservableGauge(
            RolloutTelemetry.State,
            () => Observe(statuses(), static s => (1, new KeyValuePair<string, object?>(RolloutTelemetry.StateTag, StateTag(s.State)))),
            unit: "{rollout}",
            description: "1 for the state of each model's latest analysed rollout.");
        meter.CreateObservableGauge(
            RolloutTelemetry.SampleRatioPValue,
            () => Observe(statuses(), static s => s.SampleRatioPValue is { } p ? (p, default) : null),
            unit: "1",
            description: "The p-value of an experiment's sample-ratio-mismatch test (chi-square of the arms' predictions against their weights).");
        meter.CreateObservableGauge(
            RolloutTelemetry.ExperimentPValue,
            () => Observe(statuses(), static s => s.Experiment is { } e ? (e.PValue, default) : null),
            unit: "1",
            description: "The always-valid p-value of an experiment's sequential test.");
        meter.CreateObservableGauge(
            RolloutTelemetry.ExperimentEffect,
            () => Observe(statuses(), static s => s.Experiment is { } e ? (e.Effect, default) : null),
            unit: "1",
            description: "An experiment's estimated effect: candidate minus primary mean of the per-prediction measure.");
    }

    public void Decided(ModelName model, RolloutAction action) => _decisions.Add(1, new TagList
    {
        { MLOpsTelemetry.Tags.ModelName, model.Value },
        { RolloutTelemetry.DecisionTag, DecisionTag(action) },
    });

    public void Failed(ModelName model, string errorType) => _errors.Add(1, new TagList
    {
        { MLOpsTelemetry.Tags.ModelName, model.Value },
        { MLOpsTelemetry.Tags.ErrorType, errorType },
    });

    public static string DecisionTag(RolloutAction action) => action switch
    {
        RolloutAction.Advanced => "advanced",
        RolloutAction.Held => "held",
        RolloutAction.ApprovalRequested => "approval_requested",
        RolloutAction.Promoted => "promoted",
        RolloutAction.RolledBack => "rolled_back",
        _ => action.ToString().ToLowerInvariant(),
    };

    public static string StateTag(RolloutState state) => state switch
    {
        RolloutState.Progressing => "progressing",
        RolloutState.Paused => "paused",
        RolloutState.AwaitingApproval => "awaiting_approval",
        RolloutState.Succeeded => "succeeded",
        RolloutState.RolledBack => "rolled_back",
        _ => "aborted",
    };

    private static List<Measurement<double>> Observe(
        IReadOnlyCollection<RolloutStatus> statuses,
        Func<RolloutStatus, (double Value, KeyValuePair<string, object?> Tag)?> select)
    {
        var measurements = new List<Measurement<double>>(statuses.Count);
        foreach (RolloutStatus status in statuses)
        {
            if (select(status) is not { } point || !double.IsFinite(point.Value))
            {
                continue;
            }

            var tags = new TagList { { MLOpsTelemetry.Tags.ModelName, status.ModelName.Value } };
            if (point.Tag.Key is not null)
            {
                tags.Add(point.Tag);
            }

            measurements.Add(new Measurement<double>(point.Value, tags));
        }

        return measurements;
    }
}
