namespace MLOps.Internal;

/// <summary>
/// One loaded model version with its pool of predictors (for ML.NET, prediction engines; see <see cref="InferenceModel"/>).
/// </summary>
/// <remarks>
/// <para>
/// Lifetime rides on the engines, so the hot path costs two interlocked operations (take an engine from the pool, put
/// it back) and no separate reference count. <c>_state</c> counts the live engines (pooled or rented) plus a
/// <see cref="RetiredFlag"/> set when the runtime swaps this version out. After retirement no engine is created, pooled
/// engines are disposed by <see cref="Retire"/>, rented ones by their renter when they come back, and the model itself
/// (if owned) when the last engine is gone — so a prediction in flight always completes on the version it started with.
/// </para>
/// <para>
/// The one race, a renter putting its engine back just as <see cref="Retire"/> drains the pool, is closed Dekker-style:
/// both sides make an interlocked write and then read the other side's state, so at least one of them sees the engine
/// and disposes it.
/// </para>
/// </remarks>
internal sealed class ModelHandle<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private const int RetiredFlag = 1 << 30;

    private readonly ModelPredictor<TIn, TOut>?[] _pool;
    private ModelPredictor<TIn, TOut>? _fastItem;
    private int _state;
    private int _modelDisposed;
    private KeyValuePair<string, object?>[]? _durationTags;

    public ModelHandle(LoadedModel model, string variant, int poolSize, DateTimeOffset loadedAt)
    {
        Model = model;
        Variant = variant;
        LoadedAt = loadedAt;
        VersionText = model.Version.ToString();
        _pool = new ModelPredictor<TIn, TOut>?[Math.Max(0, poolSize - 1)];

        // Creating the first predictor binds TIn/TOut to the model (ML.NET schema, ONNX graph), so a mismatch fails the load, not a prediction.
        _fastItem = CreateEngine();
        _state = 1;
    }

    public LoadedModel Model { get; }

    public ModelVersion Version => Model.Version;

    public string VersionText { get; }

    public string Variant { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>
    /// Gets the tags of a successful prediction's duration (model, version, variant), built once per version: recording
    /// with them skips building a <see cref="System.Diagnostics.TagList"/> per prediction.
    /// </summary>
    /// <param name="modelName">The model's name (the same for every call on one handle).</param>
    public KeyValuePair<string, object?>[] DurationTags(string modelName) =>
        _durationTags ??=
        [
            new(MLOpsTelemetry.Tags.ModelName, modelName),
            new(MLOpsTelemetry.Tags.ModelVersion, VersionText),
            new(MLOpsTelemetry.Tags.Variant, Variant),
        ];

    internal bool IsRetired => (Volatile.Read(ref _state) & RetiredFlag) != 0;

    internal bool IsModelDisposed => Volatile.Read(ref _modelDisposed) != 0;

    internal int LiveEngines => Volatile.Read(ref _state) & ~RetiredFlag;

    /// <summary>Rents an engine, or returns <see langword="null"/> when the handle was retired and has none to give.</summary>
    public ModelPredictor<TIn, TOut>? TryRent()
    {
        ModelPredictor<TIn, TOut>? engine = _fastItem;
        if (engine is not null && Interlocked.CompareExchange(ref _fastItem, null, engine) == engine)
        {
            return engine;
        }

        ModelPredictor<TIn, TOut>?[] pool = _pool;
        for (int i = 0; i < pool.Length; i++)
        {
            engine = pool[i];
            if (engine is not null && Interlocked.CompareExchange(ref pool[i], null, engine) == engine)
            {
                return engine;
            }
        }

        // Nothing pooled: create one more engine, unless the version was retired (the caller then uses the new one).
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & RetiredFlag) != 0)
            {
                return null;
            }

            int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                break;
            }

            state = seen;
        }

        try
        {
            return CreateEngine();
        }
        catch
        {
            EngineGone();
            throw;
        }
    }

    public void Return(ModelPredictor<TIn, TOut> engine)
    {
        if (!IsRetired && TryPool(engine))
        {
            // Retire may have drained the pool just before the engine went in: drain again so nothing stays behind.
            if (IsRetired)
            {
                Drain();
            }

            return;
        }

        engine.Dispose();
        EngineGone();
    }

    /// <summary>Called once by the runtime when this version is swapped out (or the model is disposed).</summary>
    public void Retire()
    {
        Interlocked.Or(ref _state, RetiredFlag);
        Drain();
        if (Volatile.Read(ref _state) == RetiredFlag)
        {
            DisposeModel();
        }
    }

    private bool TryPool(ModelPredictor<TIn, TOut> engine)
    {
        if (_fastItem is null && Interlocked.CompareExchange(ref _fastItem, engine, null) is null)
        {
            return true;
        }

        ModelPredictor<TIn, TOut>?[] pool = _pool;
        for (int i = 0; i < pool.Length; i++)
        {
            if (pool[i] is null && Interlocked.CompareExchange(ref pool[i], engine, null) is null)
            {
                return true;
            }
        }

        return false;
    }

    private void Drain()
    {
        if (Interlocked.Exchange(ref _fastItem, null) is { } first)
        {
            first.Dispose();
            EngineGone();
        }

        for (int i = 0; i < _pool.Length; i++)
        {
            if (Interlocked.Exchange(ref _pool[i], null) is { } engine)
            {
                engine.Dispose();
                EngineGone();
            }
        }
    }

    private void EngineGone()
    {
        if (Interlocked.Decrement(ref _state) == RetiredFlag)
        {
            DisposeModel();
        }
    }

    private void DisposeModel()
    {
        if (Interlocked.Exchange(ref _modelDisposed, 1) == 0 && Model.OwnsModel)
        {
            Model.Model.Dispose();
        }
    }

    private ModelPredictor<TIn, TOut> CreateEngine() => Model.Model.CreatePredictor<TIn, TOut>();
}
