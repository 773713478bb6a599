namespace MLOps;

/// <summary>One logged value of a metric: a run keeps many points per key (a training curve), ordered by step.</summary>
/// <param name="Key">The metric name, such as <c>rmse</c>.</param>
/// <param name="Value">The value; must be finite.</param>
/// <param name="Step">The step (epoch, iteration, …) the value belongs to; 0 for a single evaluation.</param>
/// <param name="Timestamp">When the value was measured.</param>
public sealed record MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);
