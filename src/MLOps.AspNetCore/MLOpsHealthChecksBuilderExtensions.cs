using Microsoft.Extensions.Diagnostics.HealthChecks;
using MLOps.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MLOps health checks.</summary>
public static class MLOpsHealthChecksBuilderExtensions
{
    /// <summary>The tag of checks that decide readiness (<c>/health/ready</c>): <c>ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the <c>mlops-models</c> check, tagged <c>ready</c>: unhealthy while any served model has no loaded version,
    /// degraded when a model serves a version but its last reload failed.
    /// </summary>
    /// <param name="builder">The health checks builder (from <c>services.AddHealthChecks()</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddMLOpsHealthChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<ModelsHealthCheck>("mlops-models", HealthStatus.Unhealthy, [ReadyTag]);
    }
}
