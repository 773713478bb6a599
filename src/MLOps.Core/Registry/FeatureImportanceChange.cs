namespace MLOps;

/// <summary>How the importance of one feature changed between two versions (see <see cref="FeatureImportanceComparison"/>).</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Baseline">Its importance in the baseline version, or <see langword="null"/> when the baseline does not have it.</param>
/// <param name="Candidate">Its importance in the candidate version, or <see langword="null"/> when the candidate does not have it.</param>
/// <param name="BaselineRank">Its rank in the baseline (1 = most important), or <see langword="null"/>.</param>
/// <param name="CandidateRank">Its rank in the candidate (1 = most important), or <see langword="null"/>.</param>
public sealed record FeatureImportanceChange(
    string Feature, FeatureImportance? Baseline, FeatureImportance? Candidate, int? BaselineRank, int? CandidateRank)
{
    /// <summary>Gets the candidate's mean minus the baseline's, or <see langword="null"/> when the feature is missing from either.</summary>
    public double? Delta => Baseline is null || Candidate is null ? null : Candidate.Mean - Baseline.Mean;

    /// <summary>
    /// Gets how many places the feature moved up (positive) or down (negative) in the ranking, or <see langword="null"/>
    /// when it is missing from either version.
    /// </summary>
    public int? RankChange => BaselineRank is { } before && CandidateRank is { } after ? before - after : null;
}
