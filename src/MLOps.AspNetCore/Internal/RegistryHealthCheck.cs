using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MLOps.AspNetCore.Internal;

/// <summary>The model registry answers (a metadata read); healthy when no registry is configured.</summary>
internal sealed class RegistryHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IModelRegistry>() is not { } registry)
        {
            return HealthCheckResult.Healthy("No model registry is configured.");
        }

        try
        {
            var models = await registry.SearchModelsAsync(new ModelSearchQuery(), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The registry answers ({models.Count} registered model(s)).");
        }
        catch (Exception e) when (e is ModelRegistryException or IOException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The model registry does not answer: " + e.Message, e);
        }
    }
}
