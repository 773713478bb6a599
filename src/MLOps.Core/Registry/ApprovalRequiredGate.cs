namespace MLOps;

/// <summary>
/// Passes when an approval of this candidate for this alias was requested and approved
/// (<see cref="IModelRegistry.RequestApprovalAsync(ApprovalRequest, CancellationToken)"/>, then
/// <see cref="IModelRegistry.DecideApprovalAsync(ApprovalDecision, CancellationToken)"/>), and no later request for the
/// same candidate and alias was rejected.
/// </summary>
public sealed class ApprovalRequiredGate : PromotionGate
{
    /// <inheritdoc/>
    public override string Description => "approval required";

    /// <inheritdoc/>
    public override string? Evaluate(PromotionGateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PromotionApproval? latestDecided = null;
        foreach (PromotionApproval approval in context.Approvals)
        {
            if (approval.Version == context.Candidate.Version && approval.Alias == context.Alias && approval.State != ApprovalState.Pending
                && (latestDecided is null || approval.DecidedAt >= latestDecided.DecidedAt))
            {
                latestDecided = approval;
            }
        }

        return latestDecided switch
        {
            { State: ApprovalState.Approved } => null,
            { State: ApprovalState.Rejected } a =>
                $"{Description}: the promotion of version {context.Candidate.Version} to '{context.Alias}' was rejected by {a.DecidedBy}: {a.DecisionReason}",
            _ => $"{Description}: no approved request to promote version {context.Candidate.Version} to '{context.Alias}'.",
        };
    }
}
