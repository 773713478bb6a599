namespace MLOps;

/// <summary>A model one replica serves, as its last heartbeat recorded it (see <see cref="FleetReplica.Models"/>).</summary>
public sealed record FleetModel
{
    /// <summary>Gets the model name.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the deployment variant (for example <c>primary</c>).</summary>
    public required string Variant { get; init; }

    /// <summary>Gets the version served, or <see langword="null"/> when none is loaded yet.</summary>
    public ModelVersion? Version { get; init; }
}
