namespace MLOps.Monitoring.Retraining;

/// <summary>The retrain state of one model.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="IsRunning">Whether a retrain is running now.</param>
/// <param name="LastRunAt">When the last attempt started, if any (persisted across restarts).</param>
/// <param name="CooldownEndsAt">Before this time new triggers are ignored (persisted across restarts).</param>
/// <param name="RecentRuns">The last attempts of this process, newest last (bounded).</param>
public sealed record RetrainStatus(
    ModelName ModelName,
    bool IsRunning,
    DateTimeOffset? LastRunAt,
    DateTimeOffset? CooldownEndsAt,
    IReadOnlyList<RetrainRun> RecentRuns);
