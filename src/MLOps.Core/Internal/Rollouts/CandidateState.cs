namespace MLOps.Internal.Rollouts;

/// <summary>What the catalog's gauges report of a runtime's candidate.</summary>
internal readonly record struct CandidateState(ModelVersion Version, string Variant, int Weight);
