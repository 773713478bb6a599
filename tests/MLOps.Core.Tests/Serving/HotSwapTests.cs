using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLOps.Core.Tests.Support;
using MLOps.Internal;

namespace MLOps.Core.Tests.Serving;

public class HotSwapTests
{
    [Fact]
    public async Task Predict_While100SwapsUnder8Threads_NeverFailsAndEveryResultComesFromAVersionCurrentDuringTheCall()
    {
        const int Swaps = 100;
        const int Threads = 8;
        IReadOnlyList<ITransformer> models = TestModels.Distinct;
        float[,] expected = new float[models.Count, TestModels.Inputs.Length];
        for (int m = 0; m < models.Count; m++)
        {
            for (int i = 0; i < TestModels.Inputs.Length; i++)
            {
                expected[m, i] = TestModels.RawScore(models[m], TestModels.Inputs[i]);
            }
        }

        var source = new TestModelSource(_ => new LoadedModel(models[1 % models.Count], new ModelVersion(1), "v1", ownsModel: false));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var catalog = provider.GetRequiredService<IModelCatalog>();

        // Version v is published somewhere inside its reload call [start, end].
        var reloadStart = new long[Swaps + 2];
        var reloadEnd = new long[Swaps + 2];
        reloadStart[1] = 0;
        reloadEnd[1] = Stopwatch.GetTimestamp();
        var errors = new ConcurrentQueue<Exception>();
        var observations = new ConcurrentQueue<(long Start, long End, int Version, int Input, float Score)>();
        using var stop = new CancellationTokenSource();

        // Dedicated threads: eight busy loops on the thread pool of a two-core machine starve the reload loop's
        // continuations until the pool injects threads (the test took a minute instead of seconds).
        Task[] workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            int i = t;
            while (!stop.IsCancellationRequested)
            {
                int input = i++ % TestModels.Inputs.Length;
                long start = Stopwatch.GetTimestamp();
                try
                {
                    var p = client.Predict(TestModels.Inputs[input]);
                    long end = Stopwatch.GetTimestamp();
                    int v = p.ModelVersion.Number;
                    if (v < 1 || v > Swaps + 1 || expected[v % models.Count, input] != p.Value.Score)
                    {
                        errors.Enqueue(new InvalidOperationException($"version {v} returned {p.Value.Score} for input {input}"));
                    }

                    // Keep a sample for the timeline check (all of them would be tens of millions).
                    if ((i & 15) == 0)
                    {
                        observations.Enqueue((start, end, v, input, p.Value.Score));
                    }
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        for (int v = 2; v <= Swaps + 1; v++)
        {
            source.SetNext(models[v % models.Count], v);
            reloadStart[v] = Stopwatch.GetTimestamp();
            Assert.True(await catalog.ReloadAsync(ModelName.Parse("house")));
            reloadEnd[v] = Stopwatch.GetTimestamp();
            await Task.Delay(1);
        }

        await Task.Delay(20);
        stop.Cancel();
        await Task.WhenAll(workers);

        Assert.Empty(errors);
        Assert.True(observations.Count > Swaps, $"only {observations.Count} predictions ran");
        Assert.True(observations.Select(o => o.Version).Distinct().Count() > 1, "predictions never saw a swap");
        foreach (var o in observations)
        {
            // Current at some point during the call: published before the call ended, superseded after it started.
            if (o.Version < 1 || o.Version > Swaps + 1)
            {
                Assert.Fail($"unknown version {o.Version}");
            }

            if (reloadStart[o.Version] > o.End)
            {
                Assert.Fail($"version {o.Version} was published after the call ended");
            }

            if (o.Version <= Swaps && reloadEnd[o.Version + 1] < o.Start)
            {
                Assert.Fail($"version {o.Version} was superseded before the call started");
            }

            if (expected[o.Version % models.Count, o.Input] != o.Score)
            {
                Assert.Fail($"version {o.Version} returned {o.Score}, not its model's {expected[o.Version % models.Count, o.Input]}");
            }
        }

        Assert.Equal(new ModelVersion(Swaps + 1), catalog.Find(ModelName.Parse("house"))!.Version);
    }

    [Fact]
    public void Handle_RetiredWhileAnEngineIsRented_DisposesTheModelOnlyAfterTheEngineComesBack()
    {
        var model = new DisposableTransformer(TestModels.Distinct[0]);
        var loaded = new LoadedModel(model, new ModelVersion(1), "v1", ownsModel: true);
        var handle = new ModelHandle<HouseInput, HousePrediction>(loaded, "primary", poolSize: 2, DateTimeOffset.UtcNow);

        var engine = handle.TryRent()!;        // a prediction in flight
        var pooled = handle.TryRent()!;        // another one that finishes before the swap
        handle.Return(pooled);
        handle.Retire();                       // the runtime swaps the version out

        Assert.False(model.Disposed);
        Assert.Equal(1, handle.LiveEngines);
        Assert.Null(handle.TryRent());         // no new work starts on a retired version
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[0], TestModels.Inputs[0]), engine.Predict(TestModels.Inputs[0]).Score);
        handle.Return(engine);                 // the prediction completes

        Assert.True(model.Disposed);
        Assert.True(handle.IsModelDisposed);
        Assert.Equal(0, handle.LiveEngines);
    }

    [Fact]
    public async Task Handle_ReturnRacingRetire_NeverLeavesAnEngineBehind()
    {
        for (int round = 0; round < 200; round++)
        {
            var loaded = new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false);
            var handle = new ModelHandle<HouseInput, HousePrediction>(loaded, "primary", poolSize: 4, DateTimeOffset.UtcNow);
            var engines = Enumerable.Range(0, 4).Select(_ => handle.TryRent()!).ToArray();
            using var go = new Barrier(engines.Length + 1);

            var returns = engines.Select(e => Task.Factory.StartNew(() => { go.SignalAndWait(); handle.Return(e); }, TaskCreationOptions.LongRunning)).ToArray();
            go.SignalAndWait();
            handle.Retire();
            await Task.WhenAll(returns);

            Assert.Equal(0, handle.LiveEngines);
            Assert.True(handle.IsModelDisposed);
        }
    }

    [Fact]
    public void EnginePool_MoreConcurrentRentersThanPoolSize_AllGetDistinctEngines()
    {
        var loaded = new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false);
        var handle = new ModelHandle<HouseInput, HousePrediction>(loaded, "primary", poolSize: 2, DateTimeOffset.UtcNow);

        var engines = Enumerable.Range(0, 5).Select(_ => handle.TryRent()!).ToList();

        Assert.Equal(5, engines.Distinct().Count());
        engines.ForEach(handle.Return);
        Assert.Equal(2, handle.LiveEngines);  // the pool keeps two, the rest were disposed
        var reused = handle.TryRent()!;
        Assert.Contains(reused, engines);
        handle.Return(reused);
        handle.Retire();
        Assert.Equal(0, handle.LiveEngines);
    }

    [Fact]
    public async Task OwnedModel_IsDisposedAfterItIsSwappedOut()
    {
        var first = new DisposableTransformer(TestModels.Distinct[0]);
        var source = new TestModelSource(_ => new LoadedModel(first, new ModelVersion(1), "v1", ownsModel: true));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        client.Predict(TestModels.Inputs[0]);

        source.SetNext(TestModels.Distinct[1], 2);
        await provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house"));

        Assert.True(first.Disposed);
        Assert.Equal(2, client.Predict(TestModels.Inputs[0]).ModelVersion.Number);
    }

    [Fact]
    public async Task Reload_WhenTheSourceReportsNoChange_KeepsTheCurrentVersion()
    {
        var source = new TestModelSource(_ => new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        await Services.StartAsync(provider);
        source.SetNext(ctx => ctx.CurrentFingerprint == "v1" ? null : throw new InvalidOperationException("should see the current fingerprint"));

        Assert.False(await provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house")));
        Assert.Null(provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LastLoadError);
    }

    [Fact]
    public async Task ChangeToken_FiringRepeatedly_ReloadsEachTime()
    {
        var source = new TestModelSource(_ => new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        await Services.StartAsync(provider);
        var catalog = provider.GetRequiredService<IModelCatalog>();

        for (int v = 2; v <= 4; v++)
        {
            source.SetNext(TestModels.Distinct[v % 4], v);
            source.FireChange();
            int expected = v;
            await Eventually.HoldsAsync(() => catalog.Find(ModelName.Parse("house"))!.Version == new ModelVersion(expected), $"version {expected} served");
        }
    }

    [Fact]
    public async Task Dispose_ReleasesTheSourceAndTheCurrentModel()
    {
        var source = new TestModelSource(_ => new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false));
        var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        client.Predict(TestModels.Inputs[0]);

        await provider.DisposeAsync();

        Assert.True(source.Disposed);
        Assert.Throws<ObjectDisposedException>(() => client.Predict(TestModels.Inputs[0]));
    }

    private sealed class DisposableTransformer(ITransformer inner) : ITransformer, IDisposable
    {
        public bool Disposed { get; private set; }

        public bool IsRowToRowMapper => inner.IsRowToRowMapper;

        public void Dispose() => Disposed = true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);

        public void Save(ModelSaveContext ctx) => inner.Save(ctx);

        public IDataView Transform(IDataView input) => inner.Transform(input);
    }
}
