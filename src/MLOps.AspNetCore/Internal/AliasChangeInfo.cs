namespace MLOps.AspNetCore.Internal;

/// <summary>One alias change (promotion, rollback, removal).</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Revision">The alias's revision after the change.</param>
/// <param name="Action">What happened.</param>
/// <param name="Version">The version the alias points at after the change.</param>
/// <param name="PreviousVersion">The version it pointed at before.</param>
/// <param name="Actor">Who.</param>
/// <param name="Reason">Why.</param>
/// <param name="Timestamp">When.</param>
internal sealed record AliasChangeInfo(
    string Alias, long Revision, string Action, int? Version, int? PreviousVersion, string Actor, string? Reason, DateTimeOffset Timestamp)
{
    internal static AliasChangeInfo From(AliasHistoryEntry e) => new(
        e.Alias.Value, e.Revision, e.Action.ToString().ToLowerInvariant(), e.Version?.Number, e.PreviousVersion?.Number, e.Actor, e.Reason, e.Timestamp);
}
