using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>
/// One loaded model version with its pool of prediction engines. Reference-counted: the runtime holds one reference
/// while the handle is current and every prediction holds one while it runs, so a swapped-out version is disposed only
/// after its last prediction completes.
/// </summary>
internal sealed class ModelHandle<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly MLContext _mlContext;
    private readonly PredictionEngine<TIn, TOut>?[] _pool;
    private PredictionEngine<TIn, TOut>? _fastItem;
    private int _refCount = 1;

    public ModelHandle(MLContext mlContext, LoadedModel model, string variant, int poolSize, DateTimeOffset loadedAt)
    {
        _mlContext = mlContext;
        Model = model;
        Variant = variant;
        LoadedAt = loadedAt;
        VersionText = model.Version.ToString();
        _pool = new PredictionEngine<TIn, TOut>?[Math.Max(0, poolSize - 1)];

        // Creating the first engine binds TIn/TOut to the model's schema, so a mismatch fails the load, not a prediction.
        _fastItem = CreateEngine();
    }

    public LoadedModel Model { get; }

    public ModelVersion Version => Model.Version;

    public string VersionText { get; }

    public string Variant { get; }

    public DateTimeOffset LoadedAt { get; }

    internal bool IsDisposed => Volatile.Read(ref _refCount) == 0;

    /// <summary>Takes a reference unless the handle has already been released for good.</summary>
    public bool TryAddRef()
    {
        int count = Volatile.Read(ref _refCount);
        while (count > 0)
        {
            int seen = Interlocked.CompareExchange(ref _refCount, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one disposes the engines and, if owned, the model.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _refCount) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _fastItem, null)?.Dispose();
        for (int i = 0; i < _pool.Length; i++)
        {
            Interlocked.Exchange(ref _pool[i], null)?.Dispose();
        }

        if (Model.OwnsModel && Model.Model is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    public PredictionEngine<TIn, TOut> RentEngine()
    {
        PredictionEngine<TIn, TOut>? engine = _fastItem;
        if (engine is not null && Interlocked.CompareExchange(ref _fastItem, null, engine) == engine)
        {
            return engine;
        }

        PredictionEngine<TIn, TOut>?[] pool = _pool;
        for (int i = 0; i < pool.Length; i++)
        {
            engine = pool[i];
            if (engine is not null && Interlocked.CompareExchange(ref pool[i], null, engine) == engine)
            {
                return engine;
            }
        }

        return CreateEngine();
    }

    public void ReturnEngine(PredictionEngine<TIn, TOut> engine)
    {
        if (_fastItem is null && Interlocked.CompareExchange(ref _fastItem, engine, null) is null)
        {
            return;
        }

        PredictionEngine<TIn, TOut>?[] pool = _pool;
        for (int i = 0; i < pool.Length; i++)
        {
            if (pool[i] is null && Interlocked.CompareExchange(ref pool[i], engine, null) is null)
            {
                return;
            }
        }

        engine.Dispose();
    }

    private PredictionEngine<TIn, TOut> CreateEngine() =>
        _mlContext.Model.CreatePredictionEngine<TIn, TOut>(Model.Model);
}
