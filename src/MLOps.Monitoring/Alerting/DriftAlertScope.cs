namespace MLOps.Monitoring.Alerting;

/// <summary>Which <c>mlops.drift.detected</c> series a drift rule watches.</summary>
public enum DriftAlertScope
{
    /// <summary>Dataset-level drift only (the series whose <c>mlops.drift.feature</c> is <c>dataset</c>).</summary>
    Dataset,

    /// <summary>Per-feature drift only (every series except <c>dataset</c>); one alert per feature.</summary>
    Feature,

    /// <summary>Both dataset-level and per-feature drift.</summary>
    Any,
}
