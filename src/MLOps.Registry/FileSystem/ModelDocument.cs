namespace MLOps.Registry.FileSystem;

/// <summary>The content of <c>models/&lt;name&gt;/model.json</c>: the model with its aliases, the aliases' full history and the rollouts.</summary>
internal sealed class ModelDocument
{
    public required RegisteredModel Model { get; set; }

    public List<AliasHistoryEntry> AliasHistory { get; set; } = [];

    /// <summary>
    /// Gets or sets the model's rollouts, oldest first. Kept here, with the aliases, so a promotion's alias move and the end
    /// of the rollout are one atomic replace of this file.
    /// </summary>
    public List<Rollout> Rollouts { get; set; } = [];

    /// <summary>Gets or sets the audit events of the write that made this document, until they are in <c>audit.jsonl</c>.</summary>
    public List<PendingAuditEvent>? PendingAudit { get; set; }
}
