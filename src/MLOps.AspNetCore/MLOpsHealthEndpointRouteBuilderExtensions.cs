using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps liveness and readiness endpoints.</summary>
public static class MLOpsHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>{prefix}/live</c> (the process answers; runs no check) and <c>{prefix}/ready</c> (runs the checks tagged
    /// <c>ready</c>, such as <c>mlops-models</c> from <c>AddMLOpsHealthChecks()</c>). Requires <c>services.AddHealthChecks()</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The route group, so conventions chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    public static RouteGroupBuilder MapMLOpsHealthChecks(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        RouteGroupBuilder group = endpoints.MapGroup(prefix);
        group.MapHealthChecks("/live", new HealthCheckOptions { Predicate = _ => false });
        group.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(MLOpsHealthChecksBuilderExtensions.ReadyTag) });
        return group;
    }
}
