using Microsoft.Extensions.Primitives;
using Microsoft.ML;
using MLOps.Internal.Rollouts;

namespace MLOps.Core.Tests.Support;

/// <summary>
/// The seam between a served model and its registry's rollouts, driven by the test: the alias's version, the active
/// rollout (or an outage), and how each version loads. Reload through the catalog to apply a change.
/// </summary>
internal sealed class TestRolloutSource : ModelSource, IRolloutSource
{
    private readonly object _lock = new();
    private int _primary;
    private Rollout? _rollout;
    private Exception? _rolloutError;
    private Func<ModelVersion, InferenceModel>? _model;

    public TestRolloutSource(int primary) => _primary = primary;

    public override string Description => "test rollout source";

    public bool FollowsRollouts => true;

    public int CandidateLoads { get; private set; }

    /// <summary>Version n is <c>TestModels.Distinct[n % 4]</c> unless <see cref="SetModels"/> says otherwise.</summary>
    public static ITransformer Transformer(int version) => TestModels.Distinct[version % TestModels.Distinct.Count];

    public void SetPrimary(int version)
    {
        lock (_lock)
        {
            _primary = version;
        }
    }

    public void SetRollout(Rollout? rollout)
    {
        lock (_lock)
        {
            _rollout = rollout;
            _rolloutError = null;
        }
    }

    public void SetOutage(Exception error)
    {
        lock (_lock)
        {
            _rolloutError = error;
        }
    }

    /// <summary>Loads versions with <paramref name="model"/> (return a new model per call; the pipeline owns it).</summary>
    public void SetModels(Func<ModelVersion, InferenceModel> model)
    {
        lock (_lock)
        {
            _model = model;
        }
    }

    public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        int primary;
        lock (_lock)
        {
            primary = _primary;
        }

        string fingerprint = "v" + primary;
        return ValueTask.FromResult(fingerprint == context.CurrentFingerprint ? null : Load(new ModelVersion(primary)));
    }

    public Task<Rollout?> GetActiveRolloutAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _rolloutError is { } error ? Task.FromException<Rollout?>(error) : Task.FromResult(_rollout);
        }
    }

    public ValueTask<LoadedModel> LoadVersionAsync(ModelVersion version, ModelLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            CandidateLoads++;
        }

        return ValueTask.FromResult(Load(version));
    }

    private LoadedModel Load(ModelVersion version)
    {
        Func<ModelVersion, InferenceModel>? model;
        lock (_lock)
        {
            model = _model;
        }

        return model is null
            ? new LoadedModel(Transformer(version.Number), version, "v" + version.Number, ownsModel: false)
            : new LoadedModel(model(version), version, "v" + version.Number, ownsModel: true);
    }

    public override IChangeToken? Watch() => null;

    /// <summary>A rollout of <paramref name="candidate"/> against version 1 of <c>house@champion</c>.</summary>
    public static Rollout Rollout(
        int weight,
        int candidate = 2,
        string id = "rollout-1",
        long revision = 1,
        RolloutStrategy strategy = RolloutStrategy.Canary,
        int warmup = 0,
        RolloutState state = RolloutState.Progressing) => new()
        {
            Id = id,
            Name = ModelName.Parse("house"),
            Alias = ModelAlias.Champion,
            Strategy = strategy,
            Primary = new ModelVersion(1),
            Candidate = new ModelVersion(candidate),
            Steps = [weight],
            CandidateWeight = weight,
            WarmupPredictions = warmup,
            State = state,
            Revision = revision,
        };
}

/// <summary>A model whose predictions run a delegate: one that throws, blocks or returns a constant.</summary>
internal sealed class DelegateModel(Func<HouseInput, HousePrediction> predict) : InferenceModel
{
    public override string Format => "delegate";

    public bool Disposed { get; private set; }

    public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>() =>
        (ModelPredictor<TIn, TOut>)(object)new Predictor(predict);

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private sealed class Predictor(Func<HouseInput, HousePrediction> predict) : ModelPredictor<HouseInput, HousePrediction>
    {
        public override HousePrediction Predict(HouseInput input) => predict(input);
    }
}
