using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps.Internal;

namespace MLOps;

/// <summary>Serves a model from the <see cref="IModelRegistry"/>.</summary>
public static class RegistryModelServingBuilderExtensions
{
    /// <summary>
    /// Serves the version an alias points to (hot-swapping when the alias moves), a fixed version, or — with neither —
    /// the latest ready version. The artifact's SHA-256 is verified on every load. Requires a registry
    /// (<c>AddFileSystemRegistry</c> or <c>AddPostgresRegistry</c>).
    /// </summary>
    /// <remarks>
    /// The model reloads on the registry's change events for it and, as the fallback that repairs any missed event, every
    /// <see cref="MLOpsOptions.PollInterval"/> it re-resolves the reference and reloads if it designates another version
    /// than the one served.
    /// </remarks>
    /// <typeparam name="TIn">The model's input type.</typeparam>
    /// <typeparam name="TOut">The model's output type.</typeparam>
    /// <param name="builder">The model builder.</param>
    /// <param name="alias">The alias to follow, such as <c>champion</c>; or <see langword="null"/>.</param>
    /// <param name="version">A fixed version to serve; or <see langword="null"/>.</param>
    /// <param name="registeredModel">The registered model's name when it differs from the served name; or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Both <paramref name="alias"/> and <paramref name="version"/> are given, or one is invalid.</exception>
    public static ModelServingBuilder<TIn, TOut> FromRegistry<TIn, TOut>(
        this ModelServingBuilder<TIn, TOut> builder, string? alias = null, int? version = null, ModelName? registeredModel = null)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (alias is not null && version is not null)
        {
            throw new ArgumentException("Give an alias or a version, not both.", nameof(version));
        }

        ModelName name = registeredModel ?? builder.Name;
        ModelReference reference = alias is not null
            ? ModelReference.ForAlias(name, ModelAlias.Parse(alias, nameof(alias)))
            : version is { } v
                ? ModelReference.ForVersion(name, v >= 1 ? new ModelVersion(v) : throw new ArgumentOutOfRangeException(nameof(version), v, "A version is 1 or more."))
                : ModelReference.ForLatest(name);

#pragma warning disable CS0618 // RegistryServingOptions is obsolete but still honoured when set.
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<RegistryServingOptions>)))
        {
            builder.Services.AddOptions<RegistryServingOptions>()
                .Validate(o => o.PollInterval == TimeSpan.Zero || (o.PollInterval >= TimeSpan.FromMilliseconds(100) && o.PollInterval <= TimeSpan.FromHours(1)),
                    "RegistryServingOptions.PollInterval must be zero (no polling) or between 100 milliseconds and 1 hour.")
                .ValidateOnStart();
        }

        return builder.FromSource(sp => new RegistryModelSource(
            sp.GetService<IModelRegistry>() ?? throw new InvalidOperationException(
                $"Model '{builder.Name}' is served from the registry, but no IModelRegistry is registered: call AddFileSystemRegistry(…) or AddPostgresRegistry(…)."),
            reference,
            sp.GetRequiredService<IOptions<RegistryServingOptions>>().Value is { IsPollIntervalSet: true } legacy
                ? legacy.PollInterval
                : sp.GetRequiredService<IOptions<MLOpsOptions>>().Value.PollInterval,
#pragma warning restore CS0618
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("MLOps"),
            new ModelFormatSet(sp.GetServices<IModelFormat>())));
    }
}
