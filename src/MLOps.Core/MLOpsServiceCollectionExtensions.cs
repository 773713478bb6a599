using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Internal;
using MLOps.Internal.Onnx;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MLOps for .NET in an <see cref="IServiceCollection"/>.</summary>
public static class MLOpsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MLOps core services: the serving pipeline, the model catalog, telemetry and the hosted service that
    /// loads models at startup. Calling it more than once is harmless; each call may add configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add models and features.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddMLOps(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ModelCatalog)))
        {
            return new MLOpsBuilder(services);
        }

        // Not idempotent by themselves (each call adds a validator), hence the guard above.
        services.AddOptionsWithValidateOnStart<MLOpsOptions>().ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MLOpsOptions>, MLOpsOptionsValidator>());
        services.AddMetrics();
        // The one place the clock is chosen: every MLOps service resolves TimeProvider, so a test or an app that registers
        // its own (for example FakeTimeProvider) moves them all.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.TryAddSingleton<MLOpsMetrics>();
        // One process is its own fleet; a PostgreSQL registry replaces this with an advisory-lock election.
        services.TryAddSingleton<ILeaderElection, SingleProcessLeaderElection>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MLOpsHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelFormat, MLNetModelFormat>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelFormat, OnnxModelFormat>());
        return new MLOpsBuilder(services);
    }

    /// <summary>Adds the MLOps core services and configures <see cref="MLOpsOptions"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; validated when the host starts.</param>
    /// <returns>A builder to add models and features.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddMLOps(this IServiceCollection services, Action<MLOpsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        IMLOpsBuilder builder = services.AddMLOps();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Serves a model under <paramref name="name"/>. Resolve <see cref="IModelClient{TIn, TOut}"/> to predict (keyed by
    /// <paramref name="name"/>; the unkeyed service is the first model registered with these types).
    /// </summary>
    /// <typeparam name="TIn">The model's input type.</typeparam>
    /// <typeparam name="TOut">The model's output type.</typeparam>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="name">The model name (see <see cref="ModelName"/> for the rule).</param>
    /// <param name="configure">Chooses the source (<c>FromFile</c>, <c>FromTransformer</c>, <c>FromRegistry</c>, …) and features.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid model name.</exception>
    /// <exception cref="InvalidOperationException">A model with this name is already registered, or <paramref name="configure"/> chose no source.</exception>
    public static IMLOpsBuilder AddModel<TIn, TOut>(this IMLOpsBuilder builder, string name, Action<ModelServingBuilder<TIn, TOut>> configure)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ModelName modelName = ModelName.Parse(name, nameof(name));
        IServiceCollection services = builder.Services;
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ModelRegistration)
                && descriptor.ImplementationInstance is ModelRegistration existing
                && existing.Name == modelName)
            {
                throw new InvalidOperationException($"A model named '{modelName}' is already registered; model names must be unique.");
            }
        }

        var model = new ModelServingBuilder<TIn, TOut>(modelName, services);
        configure(model);
        Func<IServiceProvider, ModelSource> sourceFactory = model.SourceFactory
            ?? throw new InvalidOperationException(
                $"Model '{modelName}' has no source: call FromFile, FromTransformer, FromRegistry or FromSource in AddModel's configure callback.");
        string key = modelName.Value;
        string variant = model.Variant;
        Func<TIn, string?>? assignmentKey = model.Rollouts.KeySelector;
        int mirrorQueueCapacity = model.Rollouts.QueueCapacity;

        services.AddKeyedSingleton(key, (sp, _) =>
        {
            MLOpsOptions options = sp.GetRequiredService<IOptions<MLOpsOptions>>().Value;
            return new ModelRuntime<TIn, TOut>(
                modelName,
                variant,
                sourceFactory(sp),
                sp.GetRequiredService<MLOpsMetrics>(),
                CreateLogger(sp),
                sp.GetRequiredService<TimeProvider>(),
                options.EnginePoolSize,
                options.ReloadDelay);
        });
        services.AddKeyedSingleton<IModelClient<TIn, TOut>>(key, (sp, _) =>
        {
            MLOpsOptions options = sp.GetRequiredService<IOptions<MLOpsOptions>>().Value;
            IPredictionObserver<TIn, TOut>[] observers =
            [
                .. sp.GetServices<IPredictionObserver<TIn, TOut>>(),
                .. sp.GetKeyedServices<IPredictionObserver<TIn, TOut>>(key),
            ];
            return new ModelClient<TIn, TOut>(
                sp.GetRequiredKeyedService<ModelRuntime<TIn, TOut>>(key),
                sp.GetRequiredService<MLOpsMetrics>(),
                observers,
                CreateLogger(sp),
                sp.GetRequiredService<TimeProvider>(),
                options.ObserverErrorLogInterval,
                assignmentKey,
                mirrorQueueCapacity,
                sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None);
        });
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<IModelClient<TIn, TOut>>(key));
        services.AddSingleton(new ModelRegistration(modelName, sp => sp.GetRequiredKeyedService<ModelRuntime<TIn, TOut>>(key)));
        return builder;
    }

    /// <summary>
    /// Adds a model format, so files and registry versions in it are served through the same pooled, hot-swappable
    /// pipeline. It is asked before the built-in ones (ML.NET, ONNX), so it may claim an extension they also know.
    /// </summary>
    /// <typeparam name="TFormat">The format type, resolved from DI as a singleton.</typeparam>
    /// <param name="builder">The MLOps builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddModelFormat<TFormat>(this IMLOpsBuilder builder)
        where TFormat : class, IModelFormat
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelFormat, TFormat>());
        return builder;
    }

    private static ILogger CreateLogger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("MLOps") ?? NullLogger.Instance;
}
