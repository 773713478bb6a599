namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// A model served with drift monitoring, registered by <c>WithDriftMonitoring</c> so that <see cref="DriftMonitor"/>
/// knows it (and its history size) from the start, before its observer exists.
/// </summary>
/// <param name="Model">The model name.</param>
/// <param name="HistorySize">How many reports of it to keep (<see cref="DriftOptions.HistorySize"/>).</param>
internal sealed record DriftModelRegistration(ModelName Model, int HistorySize);
