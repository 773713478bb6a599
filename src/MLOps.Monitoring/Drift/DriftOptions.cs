namespace MLOps.Monitoring.Drift;

/// <summary>How features are compared and when a dataset counts as drifted.</summary>
public sealed class DriftOptions
{
    /// <summary>The default <see cref="SmallReferenceRows"/>: 1,000.</summary>
    public const int DefaultSmallReferenceRows = 1_000;

    /// <summary>The default <see cref="PValueThreshold"/>: 0.05.</summary>
    public const double DefaultPValueThreshold = 0.05;

    /// <summary>The default <see cref="DistanceThreshold"/>: 0.1.</summary>
    public const double DefaultDistanceThreshold = 0.1;

    /// <summary>The default <see cref="PsiThreshold"/>: 0.1.</summary>
    public const double DefaultPsiThreshold = 0.1;

    /// <summary>The default <see cref="DriftShareThreshold"/>: 0.5.</summary>
    public const double DefaultDriftShareThreshold = 0.5;

    /// <summary>The default <see cref="HistorySize"/>: 50 reports.</summary>
    public const int DefaultHistorySize = 50;

    /// <summary>The largest <see cref="HistorySize"/>: 1,000 reports.</summary>
    internal const int MaxHistorySize = 1_000;

    /// <summary>Gets or sets the method of features without an entry in <see cref="Methods"/>.</summary>
    /// <value>The default value is <see cref="DriftMethod.Auto"/>.</value>
    public DriftMethod DefaultMethod { get; set; } = DriftMethod.Auto;

    /// <summary>Gets the method per feature name, overriding <see cref="DefaultMethod"/>.</summary>
    /// <value>The default value is an empty dictionary.</value>
    public IDictionary<string, DriftMethod> Methods { get; } = new Dictionary<string, DriftMethod>(StringComparer.Ordinal);

    /// <summary>Gets the threshold per feature name, overriding the method's default threshold.</summary>
    /// <value>The default value is an empty dictionary.</value>
    public IDictionary<string, double> Thresholds { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Gets the features to compare; when empty, every feature of the reference profile is compared.</summary>
    /// <value>The default value is an empty set.</value>
    public ISet<string> Features { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the largest reference row count for which <see cref="DriftMethod.Auto"/> picks statistical tests instead of distances.</summary>
    /// <value>The default value is 1,000.</value>
    public int SmallReferenceRows { get; set; } = DefaultSmallReferenceRows;

    /// <summary>Gets or sets the significance level of the p-value methods (KS, chi-square, z-test): drift when p &lt; threshold.</summary>
    /// <value>The default value is 0.05.</value>
    public double PValueThreshold { get; set; } = DefaultPValueThreshold;

    /// <summary>Gets or sets the threshold of the distance methods (Wasserstein, Jensen-Shannon, Hellinger): drift when distance ≥ threshold.</summary>
    /// <value>The default value is 0.1.</value>
    public double DistanceThreshold { get; set; } = DefaultDistanceThreshold;

    /// <summary>Gets or sets the threshold of the population stability index: drift when PSI ≥ threshold (0.1 is "moderate", 0.2–0.25 "significant").</summary>
    /// <value>The default value is 0.1.</value>
    public double PsiThreshold { get; set; } = DefaultPsiThreshold;

    /// <summary>Gets or sets the share of drifted features at or above which the dataset counts as drifted.</summary>
    /// <value>The default value is 0.5.</value>
    public double DriftShareThreshold { get; set; } = DefaultDriftShareThreshold;

    /// <summary>Gets or sets the correction of the p-values of the features tested with a p-value method.</summary>
    /// <value>The default value is <see cref="MultipleTestingCorrection.None"/>.</value>
    public MultipleTestingCorrection Correction { get; set; } = MultipleTestingCorrection.None;

    /// <summary>
    /// Gets or sets how many evaluated reports of the model <see cref="IDriftMonitor.GetReports"/> keeps in memory (the
    /// newest; older ones are dropped), for drift over recent windows (<c>GET models/{name}/drift/history</c>, the dashboard).
    /// </summary>
    /// <value>The default value is 50; from 1 to 1,000.</value>
    public int HistorySize { get; set; } = DefaultHistorySize;

    /// <summary>Whether a method reports a p-value (drift when below the threshold) rather than a distance (drift when at or above it).</summary>
    /// <param name="method">The method.</param>
    /// <returns><see langword="true"/> for KS, chi-square and the z-test.</returns>
    public static bool IsPValueMethod(DriftMethod method) =>
        method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquare or DriftMethod.ZTest;

    /// <summary>The threshold of <paramref name="method"/> for <paramref name="feature"/>: the per-feature override or the method's default.</summary>
    /// <param name="feature">The feature name.</param>
    /// <param name="method">The resolved method (not <see cref="DriftMethod.Auto"/>).</param>
    /// <returns>The threshold.</returns>
    public double ThresholdFor(string feature, DriftMethod method)
    {
        ArgumentNullException.ThrowIfNull(feature);
        if (Thresholds.TryGetValue(feature, out double threshold))
        {
            return threshold;
        }

        return method switch
        {
            DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquare or DriftMethod.ZTest => PValueThreshold,
            DriftMethod.PopulationStabilityIndex => PsiThreshold,
            _ => DistanceThreshold,
        };
    }

    internal void Validate()
    {
        if (PValueThreshold is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PValueThreshold), PValueThreshold, "PValueThreshold must be in (0, 1).");
        }

        if (DistanceThreshold <= 0 || PsiThreshold <= 0 || !double.IsFinite(DistanceThreshold) || !double.IsFinite(PsiThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(DistanceThreshold), "DistanceThreshold and PsiThreshold must be positive.");
        }

        if (DriftShareThreshold is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DriftShareThreshold), DriftShareThreshold, "DriftShareThreshold must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(SmallReferenceRows, nameof(SmallReferenceRows));
        if (HistorySize is < 1 or > MaxHistorySize)
        {
            throw new ArgumentOutOfRangeException(nameof(HistorySize), HistorySize, $"HistorySize must be from 1 to {MaxHistorySize}.");
        }

        foreach ((string feature, double threshold) in Thresholds)
        {
            if (!double.IsFinite(threshold) || threshold <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Thresholds), threshold, $"The threshold of feature '{feature}' must be positive.");
            }
        }
    }
}
