using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MLOps.Monitoring.Drift;

namespace MLOps.AspNetCore.Internal;

/// <summary>Degraded while the latest drift window of a monitored model shows dataset drift (the service still serves).</summary>
internal sealed class DriftHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IDriftMonitor>() is not { } monitor)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No drift monitoring is configured."));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var drifted = new List<string>();
        foreach (ModelName name in monitor.Models)
        {
            string model = name.Value;
            if (monitor.GetLatestReport(name) is { } report)
            {
                data[model] = $"{report.DriftedFeatures}/{report.EvaluatedFeatures} features drifted";
                if (report.DatasetDrift)
                {
                    drifted.Add(model);
                }
            }
            else
            {
                data[model] = "no window evaluated yet";
            }
        }

        return Task.FromResult(drifted.Count > 0
            ? HealthCheckResult.Degraded($"Dataset drift detected: {string.Join(", ", drifted)}.", data: data)
            : HealthCheckResult.Healthy($"{monitor.Models.Count} monitored model(s), no dataset drift.", data: data));
    }
}
