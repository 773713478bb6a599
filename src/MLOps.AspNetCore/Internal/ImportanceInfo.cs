namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The feature importance of a version, as <c>GET /models/{name}/versions/{version}/importance</c> returns it; with
/// <c>?compareTo={other}</c> also each feature's importance and rank in the other version and the change.
/// </summary>
/// <param name="Version">The version.</param>
/// <param name="CompareTo">The version it is compared with, or <see langword="null"/>.</param>
/// <param name="Metric">The metric whose loss is the importance, or <see langword="null"/> when there are none.</param>
/// <param name="SameMetric">Whether both versions measured the same metric (always true without a comparison).</param>
/// <param name="Features">One entry per feature, by rank in <paramref name="Version"/>.</param>
internal sealed record ImportanceInfo(int Version, int? CompareTo, string? Metric, bool SameMetric, IReadOnlyList<ImportanceChangeInfo> Features);

/// <summary>One feature of an <see cref="ImportanceInfo"/>.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Mean">Its mean importance in the version, or <see langword="null"/> when only the other version has it.</param>
/// <param name="StdDev">Its standard deviation in the version, or <see langword="null"/>.</param>
/// <param name="Rank">Its rank in the version (1 = most important), or <see langword="null"/>.</param>
/// <param name="CompareToMean">Its mean importance in the other version, or <see langword="null"/>.</param>
/// <param name="CompareToStdDev">Its standard deviation in the other version, or <see langword="null"/>.</param>
/// <param name="CompareToRank">Its rank in the other version, or <see langword="null"/>.</param>
/// <param name="Delta">The version's mean minus the other's, or <see langword="null"/>.</param>
/// <param name="RankChange">Places moved up (positive) or down since the other version, or <see langword="null"/>.</param>
internal sealed record ImportanceChangeInfo(
    string Feature, double? Mean, double? StdDev, int? Rank, double? CompareToMean, double? CompareToStdDev, int? CompareToRank, double? Delta, int? RankChange)
{
    public static ImportanceChangeInfo From(FeatureImportanceChange c) => new(
        c.Feature, c.Candidate?.Mean, c.Candidate?.StdDev, c.CandidateRank, c.Baseline?.Mean, c.Baseline?.StdDev, c.BaselineRank, c.Delta, c.RankChange);
}

/// <summary>The JSON body of a prediction made with <c>?explain=true</c>.</summary>
internal sealed record ExplainedPredictionResponse<TOut>(string PredictionId, int ModelVersion, string Variant, TOut Output, IReadOnlyList<FeatureContribution> Contributions);
