using MLOps;
using MLOps.Internal;

namespace OpenTelemetry.Metrics;

/// <summary>Enables MLOps metrics in an OpenTelemetry <see cref="MeterProviderBuilder"/>.</summary>
public static class MLOpsMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to the <c>MLOps</c> meter (prediction duration, loaded versions, drift, quality, retrain runs), and
    /// names the service on the resource (<c>service.name</c>) after <see cref="MLOpsOptions.ServiceName"/> when it is
    /// set and neither <c>OTEL_SERVICE_NAME</c> nor <c>OTEL_RESOURCE_ATTRIBUTES</c> names it.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddMLOpsInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MLOpsTelemetry.Name)
            .ConfigureResource(static r => r.AddDetector(static services => new ServiceNameResourceDetector(services)));
    }
}
