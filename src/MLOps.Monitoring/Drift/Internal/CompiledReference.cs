using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>A reference profile compiled for one set of <see cref="DriftOptions"/>.</summary>
internal sealed class CompiledReference
{
    public CompiledReference(ReferenceProfile profile, DriftOptions options)
    {
        options.Validate();
        Profile = profile;
        Options = options;
        var features = new List<CompiledFeature>();
        foreach (FeatureProfile feature in profile.Features)
        {
            if (options.Features.Count == 0 || options.Features.Contains(feature.Name))
            {
                features.Add(new CompiledFeature(features.Count, feature, profile.RowCount, options));
            }
        }

        Features = [.. features];
        SampleCapacity = profile.SampleSize > 0 ? profile.SampleSize : ProfileOptions.DefaultSampleSize;
    }

    public ReferenceProfile Profile { get; }

    public DriftOptions Options { get; }

    public CompiledFeature[] Features { get; }

    public int SampleCapacity { get; }

    public CompiledFeature? Find(string name) => Array.Find(Features, f => f.Name == name);
}
