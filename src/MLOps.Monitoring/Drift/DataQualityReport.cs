namespace MLOps.Monitoring.Drift;

/// <summary>The data quality of current data against a reference profile: schema and per-feature figures.</summary>
public sealed record DataQualityReport
{
    /// <summary>Gets the reference features the current data does not have.</summary>
    public IReadOnlyList<string> MissingFeatures { get; init; } = [];

    /// <summary>Gets the current features the reference does not have.</summary>
    public IReadOnlyList<string> UnexpectedFeatures { get; init; } = [];

    /// <summary>Gets the features present on both sides with incompatible kinds, as <c>name: reference kind → current kind</c>.</summary>
    public IReadOnlyList<string> KindMismatches { get; init; } = [];

    /// <summary>Gets whether the current data's schema differs from the reference's (missing, unexpected or mismatched features).</summary>
    public bool SchemaMismatch => MissingFeatures.Count + UnexpectedFeatures.Count + KindMismatches.Count > 0;

    /// <summary>Gets the figures per compared feature.</summary>
    public IReadOnlyList<FeatureDataQuality> Features { get; init; } = [];
}
