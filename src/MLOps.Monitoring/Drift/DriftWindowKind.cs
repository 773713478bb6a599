namespace MLOps.Monitoring.Drift;

/// <summary>How online drift monitoring cuts predictions into windows.</summary>
public enum DriftWindowKind
{
    /// <summary>Consecutive, non-overlapping windows of a fixed number of predictions.</summary>
    TumblingCount = 0,

    /// <summary>Overlapping windows of a fixed number of predictions, evaluated every step.</summary>
    SlidingCount = 1,

    /// <summary>Consecutive, non-overlapping windows of a fixed duration.</summary>
    TumblingTime = 2,

    /// <summary>Overlapping windows of a fixed duration, evaluated every step.</summary>
    SlidingTime = 3,
}
