using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Quality.Feedback;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a durable <see cref="IPredictionLog"/> for feedback joins.</summary>
public static class PredictionLogMLOpsBuilderExtensions
{
    /// <summary>
    /// Logs every prediction of quality-monitored models to JSON-lines files (see <see cref="JsonLinesPredictionLog"/>),
    /// so feedback can still be joined after a prediction left the in-memory store or the process restarted. The same
    /// instance is registered as the <see cref="IPredictionLogReader"/> batch monitoring jobs read and as the
    /// <see cref="IFeedbackLog"/> that stores feedback beside the predictions. Does nothing if an
    /// <see cref="IPredictionLog"/> is already registered.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the options (directory, rotation size, retention, fsync); validated at startup.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddJsonLinesPredictionLog(this IMLOpsBuilder builder, Action<JsonLinesPredictionLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IPredictionLog)))
        {
            return builder;
        }

        OptionsBuilder<JsonLinesPredictionLogOptions> options = services.AddOptions<JsonLinesPredictionLogOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<JsonLinesPredictionLog>();
        services.TryAddSingleton<IPredictionLog>(sp => sp.GetRequiredService<JsonLinesPredictionLog>());
        services.TryAddSingleton<IPredictionLogReader>(sp => sp.GetRequiredService<JsonLinesPredictionLog>());
        services.TryAddSingleton<IFeedbackLog>(sp => sp.GetRequiredService<JsonLinesPredictionLog>());
        return builder;
    }
}
