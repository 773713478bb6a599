using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The default <see cref="IReferenceProfileProvider"/> when a model registry is configured: the JSON reference profile
/// stored with the served version (<see cref="IModelRegistry.GetReferenceProfileAsync"/>). Without a registry, or for a
/// version stored without a profile, it returns <see langword="null"/> and drift monitoring waits for a version that has one.
/// </summary>
internal sealed class RegistryReferenceProfileProvider(IServiceProvider services) : IReferenceProfileProvider
{
    /// <summary>The content type the SDK stores profiles under.</summary>
    public const string ContentType = "application/vnd.mlops.reference-profile+json";

    public async ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IModelRegistry>() is not { } registry)
        {
            return null;
        }

        var blob = await registry.GetReferenceProfileAsync(modelName, version, cancellationToken).ConfigureAwait(false);
        return blob is null ? null : ReferenceProfile.FromJson(Encoding.UTF8.GetString(blob.Content.Span));
    }

    public static ReferenceProfileBlob ToBlob(ReferenceProfile profile) => new(ContentType, Encoding.UTF8.GetBytes(profile.ToJson()));
}
