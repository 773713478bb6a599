namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>One model's retrain policy, as the (non-generic) retrain loop sees it.</summary>
internal abstract class ModelRetrainer
{
    protected ModelRetrainer(ModelName modelName, RetrainPolicySettings settings)
    {
        ModelName = modelName;
        Settings = settings;
    }

    public ModelName ModelName { get; }

    public RetrainPolicySettings Settings { get; }

    /// <summary>One attempt: load data, split, train, evaluate candidate and champion, register, decide. Never throws
    /// (except on cancellation of <paramref name="cancellationToken"/>): a failure is a <see cref="RetrainOutcome.Failed"/> run.</summary>
    public abstract Task<RetrainRun> RunAsync(RetrainTrigger trigger, int attempt, CancellationToken cancellationToken);
}

/// <summary>The trigger and guard settings of a policy.</summary>
internal sealed record RetrainPolicySettings(
    bool OnDatasetDrift,
    IReadOnlyList<QualityRule> QualityRules,
    TimeSpan? ScheduleInterval,
    Cronos.CronExpression? ScheduleCron,
    long? LabelledRowsThreshold,
    TimeSpan Cooldown,
    int MaxAttempts,
    TimeSpan RetryBackoff)
{
    public bool HasSchedule => ScheduleInterval is not null || ScheduleCron is not null;

    /// <summary>The first due time strictly after <paramref name="anchor"/>.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset anchor) =>
        ScheduleInterval is { } interval ? anchor + interval
        : ScheduleCron?.GetNextOccurrence(anchor, TimeZoneInfo.Utc);
}
