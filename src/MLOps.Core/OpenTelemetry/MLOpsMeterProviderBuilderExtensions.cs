using MLOps;

namespace OpenTelemetry.Metrics;

/// <summary>Enables MLOps metrics in an OpenTelemetry <see cref="MeterProviderBuilder"/>.</summary>
public static class MLOpsMeterProviderBuilderExtensions
{
    /// <summary>Subscribes to the <c>MLOps</c> meter (prediction duration, loaded versions, drift, quality, retrain runs).</summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddMLOpsInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MLOpsTelemetry.Name);
    }
}
