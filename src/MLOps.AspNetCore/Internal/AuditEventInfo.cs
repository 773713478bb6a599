namespace MLOps.AspNetCore.Internal;

/// <summary>One audit event.</summary>
/// <param name="Timestamp">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What (for example <c>version.registered</c>, <c>alias.promoted</c>).</param>
/// <param name="Target">On what.</param>
/// <param name="Before">The state before, if any.</param>
/// <param name="After">The state after, if any.</param>
/// <param name="Reason">Why.</param>
internal sealed record AuditEventInfo(DateTimeOffset Timestamp, string Actor, string Action, string Target, string? Before, string? After, string? Reason)
{
    internal static AuditEventInfo From(AuditEvent e) => new(e.Timestamp, e.Actor, e.Action, e.Target, e.Before, e.After, e.Reason);
}
