using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>The retrain loop's instruments on the <c>MLOps</c> meter.</summary>
internal sealed class RetrainMetrics
{
    public const string Runs = "mlops.retrain.runs";
    public const string Duration = "mlops.retrain.duration";
    public const string Triggers = "mlops.retrain.triggers";
    public const string Active = "mlops.retrain.active";
    public const string TriggerTag = "mlops.retrain.trigger";
    public const string OutcomeTag = "mlops.retrain.outcome";
    public const string DecisionTag = "mlops.retrain.decision";

    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _triggers;
    private readonly UpDownCounter<long> _active;

    public RetrainMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MLOpsTelemetry.Name);
        _runs = meter.CreateCounter<long>(Runs, "{run}", "Retrain attempts, by trigger and outcome.");
        _duration = meter.CreateHistogram(Duration, "s", "Duration of retrain attempts (data, training, evaluation, registration).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });
        _triggers = meter.CreateCounter<long>(Triggers, "{trigger}", "Retrain triggers, by what was decided (accepted, cooldown, running, duplicate).");
        _active = meter.CreateUpDownCounter<long>(Active, "{run}", "Retrain attempts in progress (for an alert on a retrain that runs too long).");
    }

    public void AttemptStarted(ModelName modelName) => _active.Add(1, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, modelName.Value));

    public void AttemptEnded(ModelName modelName) => _active.Add(-1, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, modelName.Value));

    public void RunCompleted(RetrainRun run)
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, run.Trigger.ModelName.Value },
            { TriggerTag, run.Trigger.TagValue },
            { OutcomeTag, OutcomeValue(run.Outcome) },
        };
        _runs.Add(1, tags);
        _duration.Record((run.CompletedAt - run.StartedAt).TotalSeconds, tags);
    }

    public void Trigger(RetrainTrigger trigger, string decision) =>
        _triggers.Add(1, new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, trigger.ModelName.Value },
            { TriggerTag, trigger.TagValue },
            { DecisionTag, decision },
        });

    public static string OutcomeValue(RetrainOutcome outcome) => outcome switch
    {
        RetrainOutcome.Promoted => "promoted",
        RetrainOutcome.Challenger => "challenger",
        RetrainOutcome.ApprovalRequested => "approval_requested",
        RetrainOutcome.Rejected => "rejected",
        RetrainOutcome.RolloutStarted => "rollout_started",
        _ => "failed",
    };
}
