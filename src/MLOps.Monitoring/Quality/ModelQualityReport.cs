namespace MLOps.Monitoring.Quality;

/// <summary>The latest quality of one model: per version and variant, its latest closed window and its current partial window.</summary>
public sealed class ModelQualityReport
{
    internal ModelQualityReport(
        ModelName modelName,
        QualityTask task,
        IReadOnlyList<QualityWindow> closed,
        IReadOnlyList<QualityWindow> current,
        long joined,
        long late,
        long duplicate,
        long invalid)
    {
        ModelName = modelName;
        Task = task;
        Closed = closed;
        Current = current;
        JoinedFeedback = joined;
        LateFeedback = late;
        DuplicateFeedback = duplicate;
        InvalidFeedback = invalid;
    }

    /// <summary>Gets the model name.</summary>
    public ModelName ModelName { get; }

    /// <summary>Gets the model's task.</summary>
    public QualityTask Task { get; }

    /// <summary>Gets the latest closed window of each version and variant that has closed one, newest version first.</summary>
    public IReadOnlyList<QualityWindow> Closed { get; }

    /// <summary>Gets the current, still open window of each version and variant that has one, newest version first.</summary>
    public IReadOnlyList<QualityWindow> Current { get; }

    /// <summary>Gets the feedback joined since the process started.</summary>
    public long JoinedFeedback { get; }

    /// <summary>Gets the late feedback since the process started (known predictions older than the feedback time-to-live).</summary>
    public long LateFeedback { get; }

    /// <summary>Gets the duplicate feedback since the process started.</summary>
    public long DuplicateFeedback { get; }

    /// <summary>Gets the invalid feedback for this model's predictions since the process started (wrong kind, not finite, outside the accepted range, or for a refused prediction).</summary>
    public long InvalidFeedback { get; }
}
