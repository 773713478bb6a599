namespace MLOps;

/// <summary>Filters for <see cref="IModelRegistry.QueryAuditAsync(AuditQuery?, CancellationToken)"/>; all given filters must match.</summary>
public sealed record AuditQuery
{
    /// <summary>The default <see cref="Limit"/>.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>Gets only events of this model, or all models when <see langword="null"/>.</summary>
    public ModelName? Model { get; init; }

    /// <summary>Gets only events with this action (see <see cref="AuditActions"/>), or all when <see langword="null"/>.</summary>
    public string? Action { get; init; }

    /// <summary>Gets only events at or after this time, or <see langword="null"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets only events before this time, or <see langword="null"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the maximum number of events returned (the most recent ones, in chronological order).</summary>
    /// <value>The default value is 1000.</value>
    public int Limit { get; init; } = DefaultLimit;
}
