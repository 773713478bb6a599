namespace MLOps.Monitoring.Profiles;

/// <summary>
/// Sets how a public property or field of a model input type is treated by reference profiles and drift monitoring,
/// for example <c>[DriftFeature(FeatureRole.Ignore)]</c> on the label or <c>[DriftFeature(FeatureRole.Categorical)]</c>
/// on an integer code. <see cref="ProfileOptions.Roles"/> overrides it.
/// </summary>
/// <param name="role">The role of the member.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class DriftFeatureAttribute(FeatureRole role) : Attribute
{
    /// <summary>Gets the role of the member.</summary>
    public FeatureRole Role { get; } = role;
}
