using Microsoft.Extensions.Diagnostics.HealthChecks;
using MLOps.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MLOps health checks.</summary>
public static class MLOpsHealthChecksBuilderExtensions
{
    /// <summary>The tag of checks that decide readiness (<c>/health/ready</c>): <c>ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds three checks tagged <c>ready</c>: <c>mlops-models</c> (unhealthy while any served model has no loaded version,
    /// degraded when a model serves a version but its last reload failed), <c>mlops-registry</c> (unhealthy when the
    /// configured model registry does not answer) and <c>mlops-drift</c> (degraded while the latest drift window of a
    /// monitored model shows dataset drift). Checks of features that are not configured report healthy.
    /// </summary>
    /// <param name="builder">The health checks builder (from <c>services.AddHealthChecks()</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddMLOpsHealthChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddCheck<ModelsHealthCheck>("mlops-models", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<RegistryHealthCheck>("mlops-registry", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<DriftHealthCheck>("mlops-drift", HealthStatus.Degraded, [ReadyTag]);
    }
}
