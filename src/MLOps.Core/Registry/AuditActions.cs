namespace MLOps;

/// <summary>The values of <see cref="AuditEvent.Action"/>.</summary>
public static class AuditActions
{
    /// <summary>A registered model was created.</summary>
    public const string ModelCreated = "model.created";

    /// <summary>A model's description or tags changed.</summary>
    public const string ModelUpdated = "model.updated";

    /// <summary>A version number was allocated (status pending).</summary>
    public const string VersionCreated = "version.created";

    /// <summary>A version's artifacts were stored and it became ready, or it failed.</summary>
    public const string VersionStatusChanged = "version.status_changed";

    /// <summary>A version's description, tags, metrics or parameters changed.</summary>
    public const string VersionUpdated = "version.updated";

    /// <summary>A version's reference profile was stored.</summary>
    public const string ReferenceProfileSet = "version.reference_profile_set";

    /// <summary>An alias was promoted to a version.</summary>
    public const string AliasPromoted = "alias.promoted";

    /// <summary>An alias was rolled back to its previous holder.</summary>
    public const string AliasRolledBack = "alias.rolled_back";

    /// <summary>An alias was removed.</summary>
    public const string AliasRemoved = "alias.removed";

    /// <summary>A promotion was rejected by its gates (recorded, although nothing else changed).</summary>
    public const string PromotionRejected = "alias.promotion_rejected";

    /// <summary>An approval of a promotion was requested.</summary>
    public const string ApprovalRequested = "approval.requested";

    /// <summary>An approval request was approved or rejected.</summary>
    public const string ApprovalDecided = "approval.decided";

    /// <summary>A rollout started.</summary>
    public const string RolloutStarted = "rollout.started";

    /// <summary>A decision was recorded on a rollout (the action is in the event's details).</summary>
    public const string RolloutDecided = "rollout.decided";
}
