using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds alert rules and notifiers to MLOps for .NET.</summary>
public static class AlertingMLOpsBuilderExtensions
{
    /// <summary>
    /// Adds alerting: rules evaluated every <see cref="AlertingOptions.EvaluationInterval"/> over the SDK's own instruments
    /// on the <c>MLOps</c> meter, the always-on log notifier, the <see cref="IAlertManager"/> and the hosted loop.
    /// Options are validated when the host starts. Calling it again adds rules and notifiers.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Declares rules and notifiers.</param>
    /// <returns>The MLOps builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddAlerting(this IMLOpsBuilder builder, Action<AlertingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(AlertEngine)))
        {
            // Not idempotent by themselves (each call adds a validator), hence the guard.
            services.AddOptionsWithValidateOnStart<AlertingOptions>().ValidateDataAnnotations();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertingOptions>, AlertingOptionsValidator>());
            services.AddMetrics();
            services.AddLogging();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<AlertingMetrics>();
            services.TryAddSingleton<AlertQueue>();
            services.TryAddSingleton<AlertEngine>();
            services.TryAddSingleton<IAlertManager>(sp => sp.GetRequiredService<AlertEngine>());
            services.TryAddSingleton<NotificationDispatcher>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertNotifier, LogAlertNotifier>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AlertingService>());
        }

        configure(new AlertingBuilder(services));
        return builder;
    }
}
