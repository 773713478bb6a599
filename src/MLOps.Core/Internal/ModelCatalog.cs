using System.Diagnostics.Metrics;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>Describes one <c>AddModel</c> registration so the catalog and the hosted service can find its runtime.</summary>
internal sealed record ModelRegistration(ModelName Name, Func<IServiceProvider, IModelRuntime> Resolve);

internal sealed class ModelCatalog : IModelCatalog
{
    private readonly Lazy<IModelRuntime[]> _runtimes;

    public ModelCatalog(IServiceProvider services, IEnumerable<ModelRegistration> registrations)
    {
        // Resolved lazily: runtimes depend on the metrics, whose gauge depends on this catalog.
        _runtimes = new Lazy<IModelRuntime[]>(
            () => registrations.OrderBy(r => r.Name).Select(r => r.Resolve(services)).ToArray());
    }

    internal IReadOnlyList<IModelRuntime> Runtimes => _runtimes.Value;

    public IReadOnlyList<ServedModel> GetModels() => Array.ConvertAll(_runtimes.Value, r => r.Describe());

    public ServedModel? Find(ModelName name)
    {
        return FindRuntime(name)?.Describe();
    }

    public Task<bool> ReloadAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        IModelRuntime runtime = FindRuntime(name) ?? throw new KeyNotFoundException($"No model is served under the name '{name}'.");
        return runtime.ReloadAsync(cancellationToken);
    }

    private IModelRuntime? FindRuntime(ModelName name) =>
        Array.Find(_runtimes.Value, r => r.Name == name);

    internal IEnumerable<Measurement<long>> ObserveLoadedVersions()
    {
        foreach (IModelRuntime runtime in _runtimes.Value)
        {
            ServedModel model = runtime.Describe();
            if (model.Version is { } version)
            {
                yield return new Measurement<long>(
                    version.Number,
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, model.Name.Value),
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Variant, model.Variant));
            }

            if (runtime.DescribeCandidate() is { } candidate)
            {
                yield return new Measurement<long>(
                    candidate.Version.Number,
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, runtime.Name.Value),
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Variant, candidate.Variant));
            }
        }
    }

    /// <summary>
    /// The weights of every model that follows rollouts: the primary's (100 without a rollout) and, during one, the
    /// candidate's (a shadow's: the share mirrored to it, the primary keeping 100).
    /// </summary>
    internal IEnumerable<Measurement<int>> ObserveRolloutWeights()
    {
        foreach (IModelRuntime runtime in _runtimes.Value)
        {
            if (!runtime.FollowsRollouts)
            {
                continue;
            }

            CandidateState? candidate = runtime.DescribeCandidate();
            int answered = candidate is { Variant: not ModelRuntimeVariants.Shadow } c ? c.Weight : 0;
            yield return new Measurement<int>(
                100 - answered,
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, runtime.Name.Value),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Variant, runtime.Variant));
            if (candidate is { } arm)
            {
                yield return new Measurement<int>(
                    arm.Weight,
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, runtime.Name.Value),
                    new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Variant, arm.Variant));
            }
        }
    }
}
