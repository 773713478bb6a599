namespace MLOps.Monitoring.Drift.Internal;

/// <summary>What the fleet's leader needs of a monitored model to evaluate a bucket: the reference of a served version.</summary>
internal interface IFleetDriftSource
{
    /// <summary>Returns the compiled reference of <paramref name="version"/> and the input type's schema comparison, or <see langword="null"/> when no reference is available.</summary>
    Task<(CompiledReference Reference, SchemaComparison Schema)?> GetReferenceAsync(int version, CancellationToken cancellationToken);
}
