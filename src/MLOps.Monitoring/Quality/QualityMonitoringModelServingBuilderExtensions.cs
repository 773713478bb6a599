using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds model-quality monitoring from delayed ground truth to a served model.</summary>
public static class QualityMonitoringModelServingBuilderExtensions
{
    /// <summary>
    /// Monitors the model's quality: every prediction is kept in a bounded in-memory store (and in the durable
    /// <see cref="IPredictionLog"/> if one is registered); ground truth sent to <see cref="IFeedbackSink"/> is joined
    /// with it into windows per model version and variant, published through <see cref="IModelQualityMonitor"/> and
    /// the <c>mlops.model.quality</c> gauge.
    /// </summary>
    /// <typeparam name="TIn">The model's input type.</typeparam>
    /// <typeparam name="TOut">The model's output type.</typeparam>
    /// <param name="builder">The model's serving builder.</param>
    /// <param name="configure">Chooses the task (<c>Regression</c>, <c>BinaryClassification</c> or <c>MulticlassClassification</c>) and, optionally, the window, segmentation and store.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="configure"/> chose no task, or the model already has quality monitoring.</exception>
    public static ModelServingBuilder<TIn, TOut> WithQualityMonitoring<TIn, TOut>(
        this ModelServingBuilder<TIn, TOut> builder,
        Action<QualityMonitoringBuilder<TIn, TOut>> configure)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new QualityMonitoringBuilder<TIn, TOut>();
        configure(options);
        QualityTask task = options.Task ?? throw new InvalidOperationException(
            $"Quality monitoring of model '{builder.Name}' needs a task: call Regression, BinaryClassification or MulticlassClassification.");
        if (options.HasRange && task != QualityTask.Regression)
        {
            throw new InvalidOperationException(
                $"Quality monitoring of model '{builder.Name}': AcceptedRange applies to a regression model only (a probability must be in [0, 1]).");
        }

        string name = builder.Name.Value;
        IServiceCollection services = builder.Services;
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(QualityRegistration) && descriptor.ImplementationInstance is QualityRegistration r && r.ModelName == name)
            {
                throw new InvalidOperationException($"Model '{name}' already has quality monitoring; call WithQualityMonitoring once per model.");
            }
        }

        QualitySettings settings = options.ToSettings(name, task);
        services.AddSingleton(new QualityRegistration(name));
        AddQualityServices(services);
        services.AddSingleton(sp => new ModelQualityTracker(
            settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<QualityEvents>(),
            CreateLogger(sp),
            sp.GetRequiredService<QualityInstruments>()));
        builder.AddObserver(sp => new QualityObserver<TIn, TOut>(
            sp.GetRequiredService<ModelQualityMonitor>().Find(name)!,
            sp.GetRequiredService<PredictionLogWriter>(),
            options));
        return builder;
    }

    private static void AddQualityServices(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new QualityInstruments(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new QualityEvents(CreateLogger(sp)));
        services.TryAddSingleton(sp => new ModelQualityMonitor(
            sp.GetServices<ModelQualityTracker>(),
            sp.GetRequiredService<QualityEvents>(),
            sp.GetRequiredService<QualityInstruments>()));
        services.TryAddSingleton<IModelQualityMonitor>(sp => sp.GetRequiredService<ModelQualityMonitor>());
        services.TryAddSingleton(sp => new PredictionLogWriter(
            sp.GetService<IPredictionLog>(),
            sp.GetRequiredService<QualityInstruments>(),
            CreateLogger(sp)));
        services.TryAddSingleton<IFeedbackSink>(sp => new FeedbackSink(
            sp.GetRequiredService<ModelQualityMonitor>(),
            sp.GetRequiredService<PredictionLogWriter>(),
            sp.GetRequiredService<QualityInstruments>(),
            sp.GetRequiredService<TimeProvider>(),
            CreateLogger(sp),
            sp.GetService<IFleetFeedbackQueue>(),
            sp.GetService<IFeedbackLog>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FleetFeedbackJoiner>(sp => new FleetFeedbackJoiner(
            sp.GetRequiredService<ModelQualityMonitor>(),
            sp.GetService<IFleetFeedbackQueue>(),
            sp.GetService<ILeaderElection>(),
            sp.GetRequiredService<TimeProvider>(),
            CreateLogger(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, QualityBackgroundService>(sp => new QualityBackgroundService(
            sp.GetRequiredService<ModelQualityMonitor>(),
            sp.GetRequiredService<PredictionLogWriter>(),
            sp.GetRequiredService<TimeProvider>(),
            CreateLogger(sp))));
    }

    private static ILogger CreateLogger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("MLOps.Monitoring.Quality") ?? NullLogger.Instance;
}
