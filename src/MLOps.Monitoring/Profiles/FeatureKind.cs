namespace MLOps.Monitoring.Profiles;

/// <summary>How a feature's values are profiled and compared.</summary>
public enum FeatureKind
{
    /// <summary>A number: summary statistics, quantile bins and a sample for KS and Wasserstein.</summary>
    Numeric = 0,

    /// <summary>A two-valued feature (<see langword="true"/>/<see langword="false"/>), profiled as categories <c>False</c> and <c>True</c>.</summary>
    Boolean = 1,

    /// <summary>A category (string, enum or a number marked categorical): bounded category counts.</summary>
    Categorical = 2,
}
