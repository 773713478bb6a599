namespace MLOps;

/// <summary>Approves or rejects a pending approval request. The requester cannot decide their own request.</summary>
/// <param name="Name">The model name.</param>
/// <param name="ApprovalId">The <see cref="PromotionApproval.Id"/>.</param>
/// <param name="Approve"><see langword="true"/> to approve, <see langword="false"/> to reject.</param>
public sealed record ApprovalDecision(ModelName Name, string ApprovalId, bool Approve)
{
    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets who decides; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
