namespace MLOps.Monitoring.Quality.Internal;

/// <summary>The per-model configuration collected by <see cref="QualityMonitoringBuilder{TIn, TOut}"/>.</summary>
internal sealed record QualitySettings(
    string ModelName,
    QualityTask Task,
    bool HasScore,
    bool HasSegments,
    int WindowSize,
    TimeSpan? WindowDuration,
    int StoreCapacity,
    TimeSpan FeedbackTimeToLive,
    int MaxSegments,
    int MinimumSegmentSize,
    double MinimumValue = -QualityLimits.MaximumMagnitude,
    double MaximumValue = QualityLimits.MaximumMagnitude,
    int MaxStringLength = QualityLimits.DefaultMaxStringLength,
    int MaxDistinctSegments = QualityLimits.DefaultMaxDistinctSegments,
    int MaxClasses = QualityLimits.DefaultMaxClasses);
