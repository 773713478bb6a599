using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;

namespace MLOps.Internal;

/// <summary>
/// Puts <see cref="MLOpsOptions.ServiceName"/> on the OpenTelemetry resource as <c>service.name</c>, so metrics and
/// traces name the service the way alerts and audit events do. It stays out of the way when the name is the default
/// (every unnamed service would otherwise be <c>mlops-service</c>) and when <c>OTEL_SERVICE_NAME</c> or
/// <c>service.name</c> in <c>OTEL_RESOURCE_ATTRIBUTES</c> sets it, as OpenTelemetry's own rules say they win.
/// </summary>
internal sealed class ServiceNameResourceDetector(IServiceProvider services) : IResourceDetector
{
    public const string ServiceNameAttribute = "service.name";

    public Resource Detect()
    {
        string? name = services.GetService<IOptions<MLOpsOptions>>()?.Value.ServiceName;
        if (string.IsNullOrEmpty(name) || name == MLOpsOptions.DefaultServiceName || SetByEnvironment(services.GetService<IConfiguration>()))
        {
            return Resource.Empty;
        }

        return new Resource([new KeyValuePair<string, object>(ServiceNameAttribute, name)]);
    }

    private static bool SetByEnvironment(IConfiguration? configuration)
    {
        string? Read(string key) => configuration?[key] ?? Environment.GetEnvironmentVariable(key);
        if (!string.IsNullOrWhiteSpace(Read("OTEL_SERVICE_NAME")))
        {
            return true;
        }

        string? attributes = Read("OTEL_RESOURCE_ATTRIBUTES");
        return attributes is not null
            && attributes.Split(',').Any(a => a.Split('=', 2)[0].Trim() == ServiceNameAttribute);
    }
}
