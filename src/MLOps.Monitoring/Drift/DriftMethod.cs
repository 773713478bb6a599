namespace MLOps.Monitoring.Drift;

/// <summary>How a feature's current distribution is compared with its reference.</summary>
public enum DriftMethod
{
    /// <summary>
    /// Chosen per feature from the reference (Evidently's rule): with at most <see cref="DriftOptions.SmallReferenceRows"/>
    /// reference rows, <see cref="KolmogorovSmirnov"/> for numeric features with more than 5 distinct values,
    /// <see cref="ZTest"/> for binary features (boolean, or 2 categories or values) and <see cref="ChiSquare"/> for the
    /// other categorical features (and numeric features with 3 to 5 distinct values); with more reference rows,
    /// <see cref="Wasserstein"/> for numeric features with more than 5 distinct values and <see cref="JensenShannon"/>
    /// for everything else.
    /// </summary>
    Auto = 0,

    /// <summary>Two-sample Kolmogorov-Smirnov test on the samples (numeric); drift when the p-value is below the threshold (0.05).</summary>
    KolmogorovSmirnov = 1,

    /// <summary>Pearson chi-square test of homogeneity of the reference and current counts (categories, distinct values, or quantile bins for numbers); drift when the p-value is below the threshold (0.05). Unlike Evidently's goodness of fit against the reference shares, it accounts for the reference being a sample too, so its false-positive rate stays at the threshold.</summary>
    ChiSquare = 2,

    /// <summary>Two-proportion z-test (binary features); drift when the p-value is below the threshold (0.05).</summary>
    ZTest = 3,

    /// <summary>Wasserstein distance of the samples normed by the reference standard deviation (numeric); drift when it is at least the threshold (0.1).</summary>
    Wasserstein = 4,

    /// <summary>Jensen-Shannon distance of the category or bin shares; drift when it is at least the threshold (0.1).</summary>
    JensenShannon = 5,

    /// <summary>Population stability index of the category or bin shares; drift when it is at least the threshold (0.1; 0.2 or 0.25 is the usual "significant" level).</summary>
    PopulationStabilityIndex = 6,

    /// <summary>Hellinger distance of the category or bin shares; drift when it is at least the threshold (0.1).</summary>
    Hellinger = 7,
}
