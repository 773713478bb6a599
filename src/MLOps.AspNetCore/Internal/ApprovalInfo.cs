namespace MLOps.AspNetCore.Internal;

/// <summary>A promotion approval.</summary>
/// <param name="Id">Its id (used to approve or reject it).</param>
/// <param name="Version">The version to promote.</param>
/// <param name="Alias">The alias it would get.</param>
/// <param name="State">pending, approved or rejected.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="Reason">Why it was requested.</param>
/// <param name="DecidedBy">Who decided.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="DecisionReason">Why.</param>
internal sealed record ApprovalInfo(
    string Id, int Version, string Alias, string State, string RequestedBy, DateTimeOffset RequestedAt, string? Reason,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason)
{
    internal static ApprovalInfo From(PromotionApproval a) => new(
        a.Id, a.Version.Number, a.Alias.Value, a.State.ToString().ToLowerInvariant(), a.RequestedBy, a.RequestedAt, a.Reason,
        a.DecidedBy, a.DecidedAt, a.DecisionReason);
}
