namespace MLOps.Monitoring.Drift;

/// <summary>How the p-values of the features of one report are corrected for testing many features at once.</summary>
public enum MultipleTestingCorrection
{
    /// <summary>No correction: each feature is tested at the threshold.</summary>
    None = 0,

    /// <summary>Bonferroni: controls the family-wise error rate (p × m).</summary>
    Bonferroni = 1,

    /// <summary>Benjamini-Hochberg: controls the false discovery rate.</summary>
    BenjaminiHochberg = 2,
}
