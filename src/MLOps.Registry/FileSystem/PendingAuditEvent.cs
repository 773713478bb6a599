namespace MLOps.Registry.FileSystem;

/// <summary>
/// An audit event written into a state file (<c>model.json</c>, a version file, an approval) by the same atomic replace
/// that makes the change, so the change and its audit record are stored together or not at all. It is appended to
/// <c>audit.jsonl</c> right after; if that append fails (a full disk), it stays here, <c>QueryAuditAsync</c> still returns
/// it, and the next write of this state file appends it (or, if it still cannot, carries it on in the new state).
/// </summary>
internal sealed class PendingAuditEvent
{
    /// <summary>Gets or sets the event's identifier, also written on its line of <c>audit.jsonl</c>.</summary>
    public required string Id { get; set; }

    /// <summary>Gets or sets the length of <c>audit.jsonl</c> when the change was made: its line is after this offset.</summary>
    public required long Offset { get; set; }

    /// <summary>Gets or sets the event.</summary>
    public required AuditEvent Event { get; set; }
}
