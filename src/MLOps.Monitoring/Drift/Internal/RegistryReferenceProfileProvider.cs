using System.Text;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The default <see cref="IReferenceProfileProvider"/> when a model registry is configured: the JSON reference profile
/// stored with the served version (<see cref="IModelRegistry.GetReferenceProfileAsync"/>). For a version stored without
/// a profile it returns <see langword="null"/> and drift monitoring waits for a version that has one.
/// </summary>
internal sealed class RegistryReferenceProfileProvider(IModelRegistry registry) : IReferenceProfileProvider
{
    /// <summary>The content type the SDK stores profiles under.</summary>
    public const string ContentType = "application/vnd.mlops.reference-profile+json";

    public async ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default)
    {
        var blob = await registry.GetReferenceProfileAsync(modelName, version, cancellationToken).ConfigureAwait(false);
        return blob is null ? null : ReferenceProfile.FromJson(Encoding.UTF8.GetString(blob.Content.Span));
    }

    public static ReferenceProfileBlob ToBlob(ReferenceProfile profile) => new(ContentType, Encoding.UTF8.GetBytes(profile.ToJson()));
}
