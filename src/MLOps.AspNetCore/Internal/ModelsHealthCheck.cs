using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MLOps.AspNetCore.Internal;

internal sealed class ModelsHealthCheck(IModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ServedModel> models = catalog.GetModels();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var notLoaded = new List<string>();
        var failing = new List<string>();
        foreach (ServedModel model in models)
        {
            data[model.Name.Value] = model.Version?.ToString() ?? "not loaded";
            if (!model.IsLoaded)
            {
                notLoaded.Add(model.Name.Value);
            }
            else if (model.LastLoadError is not null)
            {
                failing.Add(model.Name.Value);
            }
        }

        HealthCheckResult result = notLoaded.Count != 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"Not loaded: {string.Join(", ", notLoaded)}.", data: data)
            : failing.Count != 0
                ? HealthCheckResult.Degraded($"Serving, but the last reload failed: {string.Join(", ", failing)}.", data: data)
                : HealthCheckResult.Healthy($"{models.Count} model(s) loaded.", data);
        return Task.FromResult(result);
    }
}
