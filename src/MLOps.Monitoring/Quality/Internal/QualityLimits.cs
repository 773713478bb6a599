namespace MLOps.Monitoring.Quality.Internal;

/// <summary>The bounds that keep quality windows finite and the per-prediction state bounded in bytes.</summary>
internal static class QualityLimits
{
    /// <summary>
    /// The largest magnitude accepted for a regression prediction or actual value: 1e149.
    /// </summary>
    /// <remarks>
    /// A window holds at most <see cref="Array.MaxLength"/> (n = 2,147,483,591) pairs. With |value| ≤ B every squared
    /// error (actual − predicted)² and every squared deviation (actual − mean)² is at most (2B)², so the sums behind
    /// <c>rmse</c> and <c>r2</c> are at most 4·n·B², finite when B ≤ √(<see cref="double.MaxValue"/> / n) / 2 ≈ 1.45e149.
    /// 1e149 leaves a factor of two for rounding (4·n·1e298 ≈ 8.6e307). The <c>mape</c> sum is then at most
    /// n · 2B / 2.2e-16 ≈ 1.9e174 and the <c>mae</c> sum n · 2B ≈ 4.3e158.
    /// </remarks>
    public const double MaximumMagnitude = 1e149;

    /// <summary>The default longest segment value or class label kept: 256 characters.</summary>
    public const int DefaultMaxStringLength = 256;

    /// <summary>The default number of distinct segment values kept per model: 100.</summary>
    public const int DefaultMaxDistinctSegments = 100;

    /// <summary>The default number of distinct predicted classes kept per multiclass model: 1,000.</summary>
    public const int DefaultMaxClasses = 1000;

    /// <summary>The closed windows a model keeps for <see cref="ModelQualityReport.History"/>, over all versions and variants: 50.</summary>
    public const int HistoryLength = 50;
}
