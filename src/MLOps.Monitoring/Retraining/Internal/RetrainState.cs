namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>What the retrain loop remembers about one model across restarts (one JSON file per model).</summary>
internal sealed class RetrainState
{
    /// <summary>The number of handled trigger keys kept for deduplication.</summary>
    public const int MaxHandledKeys = 256;

    public int SchemaVersion { get; set; } = 1;

    public DateTimeOffset? LastRunAt { get; set; }

    public long LabelledRowsAtLastRun { get; set; }

    public DateTimeOffset? ScheduleAnchor { get; set; }

    public List<string> HandledKeys { get; set; } = [];

    public bool WasHandled(string key) => HandledKeys.Contains(key, StringComparer.Ordinal);

    public void MarkHandled(string key)
    {
        HandledKeys.Add(key);
        if (HandledKeys.Count > MaxHandledKeys)
        {
            HandledKeys.RemoveRange(0, HandledKeys.Count - MaxHandledKeys);
        }
    }
}
