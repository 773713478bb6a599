namespace MLOps.Monitoring.Statistics;

/// <summary>Which way a metric improves, so that a significant difference can be called better or worse.</summary>
public enum MetricDirection
{
    /// <summary>A larger value is better (for example a success rate or accuracy).</summary>
    HigherIsBetter,

    /// <summary>A smaller value is better (for example an absolute error or a latency).</summary>
    LowerIsBetter,
}
