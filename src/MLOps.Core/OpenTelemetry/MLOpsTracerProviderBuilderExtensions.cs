using MLOps;
using MLOps.Internal;

namespace OpenTelemetry.Trace;

/// <summary>Enables MLOps traces in an OpenTelemetry <see cref="TracerProviderBuilder"/>.</summary>
public static class MLOpsTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to the <c>MLOps</c> activity source (one activity per prediction, named <c>mlops.predict {model}</c>),
    /// and names the service on the resource (<c>service.name</c>) after <see cref="MLOpsOptions.ServiceName"/> when it
    /// is set and neither <c>OTEL_SERVICE_NAME</c> nor <c>OTEL_RESOURCE_ATTRIBUTES</c> names it.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TracerProviderBuilder AddMLOpsInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MLOpsTelemetry.Name)
            .ConfigureResource(static r => r.AddDetector(static services => new ServiceNameResourceDetector(services)));
    }
}
