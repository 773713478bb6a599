namespace MLOps.Monitoring.Retraining;

/// <summary>What started a retrain.</summary>
public enum RetrainTriggerKind
{
    /// <summary>The drift monitor flagged dataset drift in a closed window.</summary>
    DatasetDrift,

    /// <summary>A quality metric crossed its threshold for the configured number of consecutive windows.</summary>
    QualityDecay,

    /// <summary>The schedule (interval or cron expression) came due.</summary>
    Schedule,

    /// <summary>Enough new labelled rows arrived since the last retrain.</summary>
    NewLabelledData,

    /// <summary>Someone asked for it (<see cref="IRetrainCoordinator.RequestRetrain"/>, or <c>POST /models/{name}/retrain</c>).</summary>
    Manual,
}
