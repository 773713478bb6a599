namespace MLOps.Monitoring.Profiles;

/// <summary>What a member or column is to drift monitoring; set with <see cref="DriftFeatureAttribute"/> or <see cref="ProfileOptions.Roles"/>.</summary>
public enum FeatureRole
{
    /// <summary>Decided by the type: numbers are numeric, <see cref="bool"/> is boolean, strings and enums are categorical, anything else is ignored.</summary>
    Auto = 0,

    /// <summary>A numeric feature (the member must be a number or a <see cref="bool"/>).</summary>
    Numeric = 1,

    /// <summary>A categorical feature; numbers are compared by value (for example a zip code or a small integer code).</summary>
    Categorical = 2,

    /// <summary>Free text: not profiled and not compared (text drift is not supported).</summary>
    Text = 3,

    /// <summary>Not a feature (for example the label or an identifier).</summary>
    Ignore = 4,
}
