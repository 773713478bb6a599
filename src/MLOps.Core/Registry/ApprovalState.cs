namespace MLOps;

/// <summary>The state of a <see cref="PromotionApproval"/>.</summary>
public enum ApprovalState
{
    /// <summary>Requested, not decided yet.</summary>
    Pending = 0,

    /// <summary>Approved.</summary>
    Approved = 1,

    /// <summary>Rejected.</summary>
    Rejected = 2,
}
