using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MLOps.Internal;

namespace MLOps;

/// <summary>
/// Configures one served model: where it comes from and who observes its predictions. Created by
/// <c>AddModel&lt;TIn, TOut&gt;(name, m => …)</c>; feature packages add extension methods (<c>FromRegistry</c>,
/// <c>WithDriftMonitoring</c>, …).
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
public sealed class ModelServingBuilder<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    /// <summary>The default <see cref="Variant"/>.</summary>
    public const string DefaultVariant = "primary";

    internal ModelServingBuilder(ModelName name, IServiceCollection services)
    {
        Name = name;
        Services = services;
    }

    /// <summary>Gets the model name.</summary>
    public ModelName Name { get; }

    /// <summary>Gets the service collection, for extensions that register services for this model (keyed by <see cref="Name"/>).</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the deployment variant reported with every prediction and metric.</summary>
    /// <value>The default value is <c>primary</c>.</value>
    public string Variant { get; private set; } = DefaultVariant;

    internal Func<IServiceProvider, ModelSource>? SourceFactory { get; private set; }

    internal RolloutServingBuilder<TIn> Rollouts { get; } = new();

    /// <summary>
    /// Serves the model file at <paramref name="path"/> and reloads it when the file changes. The format comes from the
    /// extension: <c>.onnx</c> is run by ONNX Runtime, a format added with <c>AddModelFormat</c> claims its own, anything
    /// else is an ML.NET model zip.
    /// </summary>
    /// <param name="path">The path of the model file (relative paths resolve against the current directory).</param>
    /// <param name="watchForChanges">Whether to reload when the file changes (watcher plus poll every <see cref="MLOpsOptions.PollInterval"/>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public ModelServingBuilder<TIn, TOut> FromFile(string path, bool watchForChanges = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromSource(sp => new FileModelSource(
            path,
            watchForChanges,
            sp.GetRequiredService<IOptions<MLOpsOptions>>().Value.PollInterval,
            sp.GetRequiredService<TimeProvider>(),
            new ModelFormatSet(sp.GetServices<IModelFormat>())));
    }

    /// <summary>Serves an in-memory ML.NET model (version 1). The application keeps ownership of <paramref name="model"/>.</summary>
    /// <param name="model">The trained model.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public ModelServingBuilder<TIn, TOut> FromTransformer(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FromSource(_ => new TransformerModelSource(model));
    }

    /// <summary>Serves models from a custom <see cref="ModelSource"/>. Replaces any source set before.</summary>
    /// <param name="factory">Creates the source from the application's services; called once.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public ModelServingBuilder<TIn, TOut> FromSource(Func<IServiceProvider, ModelSource> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        SourceFactory = factory;
        return this;
    }

    /// <summary>Sets the deployment variant reported with every prediction and metric.</summary>
    /// <param name="variant">The variant, such as <c>primary</c>, <c>canary</c> or <c>shadow</c> (same rule as an alias).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="variant"/> is not a valid alias-like name.</exception>
    public ModelServingBuilder<TIn, TOut> WithVariant(string variant)
    {
        Variant = ModelAlias.Parse(variant, nameof(variant)).Value;
        return this;
    }

    /// <summary>
    /// Configures how the model follows its rollouts. A model served with <c>FromRegistry(alias)</c> follows the active
    /// rollout of that alias in any case: it keeps the candidate loaded beside the primary, warms it up, then routes the
    /// candidate's weight to it (canary, blue-green, experiment) or mirrors that share to it (shadow). This sets the key
    /// that assigns a request to an arm and the capacity of the mirror queue.
    /// </summary>
    /// <param name="configure">Configures the rollout serving, for example <c>r => r.AssignBy(t => t.CustomerId)</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public ModelServingBuilder<TIn, TOut> WithRollouts(Action<RolloutServingBuilder<TIn>> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Rollouts);
        return this;
    }

    /// <summary>Adds an observer of this model's predictions only (resolved from DI as a singleton).</summary>
    /// <typeparam name="TObserver">The observer type.</typeparam>
    /// <returns>This builder.</returns>
    public ModelServingBuilder<TIn, TOut> AddObserver<TObserver>()
        where TObserver : class, IPredictionObserver<TIn, TOut>
    {
        Services.TryAddEnumerable(ServiceDescriptor.KeyedSingleton<IPredictionObserver<TIn, TOut>, TObserver>(Name.Value));
        return this;
    }

    /// <summary>Adds an observer instance of this model's predictions only.</summary>
    /// <param name="observer">The observer.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="observer"/> is <see langword="null"/>.</exception>
    public ModelServingBuilder<TIn, TOut> AddObserver(IPredictionObserver<TIn, TOut> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Services.AddKeyedSingleton(Name.Value, observer);
        return this;
    }

    /// <summary>Adds an observer of this model's predictions only, created once from the application's services.</summary>
    /// <param name="factory">Creates the observer; called once, when the model's client is first resolved.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public ModelServingBuilder<TIn, TOut> AddObserver(Func<IServiceProvider, IPredictionObserver<TIn, TOut>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddKeyedSingleton<IPredictionObserver<TIn, TOut>>(Name.Value, (sp, _) => factory(sp));
        return this;
    }
}
