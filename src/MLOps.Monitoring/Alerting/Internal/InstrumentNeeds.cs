namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Which instruments the configured rules read, so the listener enables only those (an enabled histogram costs the prediction path a timestamp).</summary>
[Flags]
internal enum InstrumentNeeds
{
    None = 0,
    PredictionCounts = 1,
    PredictionLatency = 2,
    LoadFailures = 4,
    RetrainFailures = 8,
    Drift = 16,
    Quality = 32,
    RolloutRollbacks = 64,
    SampleRatio = 128,
}
