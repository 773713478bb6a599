namespace MLOps.AspNetCore.Internal;

/// <summary>One registered version, as <c>GET /models/{name}/versions</c> and <c>GET /models/{name}/versions/{version}</c> return it.</summary>
/// <param name="Version">The version number.</param>
/// <param name="Status">pending, ready or failed.</param>
/// <param name="Aliases">The aliases that point at this version now.</param>
/// <param name="Description">The description.</param>
/// <param name="Metrics">The evaluation metrics.</param>
/// <param name="Tags">The tags.</param>
/// <param name="Lineage">Where it came from (run, dataset, parent version, trigger), if recorded.</param>
/// <param name="Sha256">The SHA-256 of the primary artifact.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="CreatedBy">Who registered it.</param>
/// <param name="FeatureImportance">Its permutation feature importance, most important first (empty when none was computed).</param>
internal sealed record VersionInfo(
    int Version,
    string Status,
    IReadOnlyList<string> Aliases,
    string? Description,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags,
    LineageInfo? Lineage,
    string? Sha256,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    IReadOnlyList<FeatureImportance> FeatureImportance)
{
    internal static VersionInfo From(RegisteredModelVersion v, Dictionary<int, List<string>> aliases) => new(
        v.Version.Number,
        v.Status.ToString().ToLowerInvariant(),
        aliases.TryGetValue(v.Version.Number, out var held) ? held : [],
        v.Description,
        v.Metrics,
        v.Tags,
        v.Lineage is { } l ? new LineageInfo(l.RunId, l.DatasetName, l.DatasetDigest, l.DatasetRowCount, l.ParentVersion?.Number, l.CodeVersion, l.Trigger, l.Reason) : null,
        v.PrimaryArtifact?.Sha256,
        v.CreatedAt,
        v.CreatedBy,
        v.FeatureImportance);
}
