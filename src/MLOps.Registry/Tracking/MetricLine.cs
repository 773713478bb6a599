namespace MLOps.Registry.Tracking;

/// <summary>One line of a metric's JSON-lines file (<c>runs/&lt;id&gt;/metrics/&lt;key&gt;.jsonl</c>).</summary>
internal sealed record MetricLine(string Key, double Value, long Step, DateTimeOffset Timestamp);
