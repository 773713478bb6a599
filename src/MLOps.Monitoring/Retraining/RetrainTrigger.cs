namespace MLOps.Monitoring.Retraining;

/// <summary>One reason to retrain a model.</summary>
/// <param name="ModelName">The model to retrain.</param>
/// <param name="Kind">What raised it.</param>
/// <param name="Reason">A human-readable reason, recorded in the new version's lineage and the audit trail.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="Key">
/// Identifies the trigger for deduplication: a trigger whose key was already handled (also before a restart) does not
/// retrain again. For example <c>drift:2026-11-26T07:00:00Z</c> for the drift window that ended then.
/// </param>
public sealed record RetrainTrigger(
    ModelName ModelName,
    RetrainTriggerKind Kind, string Reason, DateTimeOffset RaisedAt, string Key)
{
    /// <summary>Gets the value of the <c>mlops.retrain.trigger</c> tag for this trigger.</summary>
    public string TagValue => Kind switch
    {
        RetrainTriggerKind.DatasetDrift => "drift",
        RetrainTriggerKind.QualityDecay => "quality",
        RetrainTriggerKind.Schedule => "schedule",
        RetrainTriggerKind.NewLabelledData => "new_data",
        _ => "manual",
    };
}
