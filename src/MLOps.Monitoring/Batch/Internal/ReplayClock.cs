namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// A clock that reads the time of the row being replayed, so the quality windows a batch job computes with the online
/// code are stamped (and, for time windows, cut) by prediction time rather than by when the job runs.
/// </summary>
internal sealed class ReplayClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
