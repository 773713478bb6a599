using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds online drift monitoring to a served model.</summary>
public static class DriftMonitoringServingBuilderExtensions
{
    /// <summary>
    /// Monitors the model's inputs for drift: every prediction's input is counted into a window (no allocation on the
    /// prediction path); when a window closes it is compared with the reference profile on a thread-pool thread, the
    /// <c>mlops.drift.*</c> and <c>mlops.data_quality.*</c> gauges are updated and <see cref="IDriftMonitor"/> publishes
    /// the report. Without an explicit reference, the <see cref="IReferenceProfileProvider"/> service supplies the
    /// profile of each served version.
    /// </summary>
    /// <typeparam name="TIn">The model input type (its public members are matched to the profile's features by name).</typeparam>
    /// <typeparam name="TOut">The model output type.</typeparam>
    /// <param name="builder">The model's serving builder.</param>
    /// <param name="configure">Configures the window, the reference and the options; <see langword="null"/> for tumbling windows of 1,000 predictions and the provider's reference.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ModelServingBuilder<TIn, TOut> WithDriftMonitoring<TIn, TOut>(
        this ModelServingBuilder<TIn, TOut> builder,
        Action<DriftMonitoringBuilder>? configure = null)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var drift = new DriftMonitoringBuilder();
        configure?.Invoke(drift);
        drift.Options.Validate();
        IServiceCollection services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton<DriftMonitor>();
        services.TryAddSingleton<IDriftMonitor>(sp => sp.GetRequiredService<DriftMonitor>());
        services.TryAddSingleton<DriftMetrics>();
        ModelName model = builder.Name;
        services.AddSingleton(new DriftModelRegistration(model, drift.Options.HistorySize));
        return builder.AddObserver(sp => new DriftObserver<TIn, TOut>(
            model,
            drift,
            drift.ReferenceFactory is { } factory ? () => factory(sp) : null,
            drift.ReferenceInstance is null && drift.ReferenceFactory is null && drift.ReferencePath is null ? ReferenceProvider(sp) : null,
            sp.GetRequiredService<DriftMonitor>(),
            sp.GetRequiredService<DriftMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<DriftObserver<TIn, TOut>>>() ?? NullLogger<DriftObserver<TIn, TOut>>.Instance));
    }

    /// <summary>
    /// The reference profile provider, an optional dependency: a registered <see cref="IReferenceProfileProvider"/>;
    /// otherwise, with a model registry, the profile stored with the served version; otherwise none, and a model
    /// without UseReference(...) fails when its client is resolved.
    /// </summary>
    private static IReferenceProfileProvider? ReferenceProvider(IServiceProvider services) =>
        services.GetService<IReferenceProfileProvider>()
        ?? (services.GetService<IModelRegistry>() is { } registry ? new RegistryReferenceProfileProvider(registry) : null);
}
