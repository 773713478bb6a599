using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps.Internal;

namespace MLOps.Registry.Internal;

/// <summary>
/// The service wiring every backend shares, written once: validated options, the metrics decorators in front of the
/// registry and the tracker, and the training runner. Each <c>Add…Registry</c>/<c>Add…Tracking</c> extension adds its
/// concrete backend and then calls these.
/// </summary>
internal static class RegistryServices
{
    /// <summary>Validates <typeparamref name="TOptions"/> with data annotations and <typeparamref name="TValidator"/> when the host starts.</summary>
    /// <remarks><c>ValidateDataAnnotations</c> adds a validator per call: call this once per options type (behind the caller's guard).</remarks>
    public static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptionsWithValidateOnStart<TOptions>().ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    /// <summary>
    /// Gives a registry created from DI the application's formats (those of <c>AddMLOps</c> and <c>AddModelFormat</c>),
    /// so a version whose artifact one of them claims is registered with its format tag.
    /// </summary>
    public static TRegistry WithFormats<TRegistry>(TRegistry registry, IServiceProvider services)
        where TRegistry : ModelRegistry
    {
        IModelFormat[] formats = [.. services.GetServices<IModelFormat>()];
        if (formats.Length > 0)
        {
            registry.Formats = new ModelFormatSet(formats);
        }

        return registry;
    }

    /// <summary>Makes <typeparamref name="TRegistry"/> the <see cref="IModelRegistry"/>, behind the metrics decorator (unless a registry was added before).</summary>
    public static void AddInstrumentedRegistry<TRegistry>(IServiceCollection services)
        where TRegistry : ModelRegistry
    {
        services.TryAddSingleton(sp => new RegistryMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton<IModelRegistry>(sp =>
            InstrumentedModelRegistry.For(sp.GetRequiredService<TRegistry>(), sp.GetRequiredService<RegistryMetrics>()));
    }

    /// <summary>
    /// Makes <typeparamref name="TTracker"/> the <see cref="IExperimentTracker"/>, behind the metrics decorator tagged
    /// with <paramref name="backend"/>, and adds <see cref="ModelTrainingRunner"/> (unless added before).
    /// </summary>
    public static void AddInstrumentedTracker<TTracker>(IServiceCollection services, string backend)
        where TTracker : class, IExperimentTracker
    {
        services.TryAddSingleton(sp => new TrackingMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton<IExperimentTracker>(sp =>
            new InstrumentedExperimentTracker(sp.GetRequiredService<TTracker>(), sp.GetRequiredService<TrackingMetrics>(), backend));
        services.TryAddSingleton(sp => new ModelTrainingRunner(
            sp.GetRequiredService<IModelRegistry>(),
            sp.GetRequiredService<IExperimentTracker>(),
            sp.GetService<ILoggerFactory>()));
    }
}
