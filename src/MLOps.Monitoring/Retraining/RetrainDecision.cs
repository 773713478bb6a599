namespace MLOps.Monitoring.Retraining;

/// <summary>What the retrain loop does with a candidate that beats the champion.</summary>
public enum RetrainDecision
{
    /// <summary>Promote it to the champion alias (the default).</summary>
    Promote,

    /// <summary>Give it the challenger alias, for a canary or A/B test decided elsewhere.</summary>
    Challenger,

    /// <summary>Request an approval to promote it; a person approves or rejects it in the registry.</summary>
    RequireApproval,

    /// <summary>Start a rollout of it against the champion (canary, blue-green or experiment on live traffic); the rollout analysis promotes or rolls it back.</summary>
    StartRollout,
}
