using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using MLOps.Core.Tests.Support;
using MLOps.Internal;
using MLOps.Internal.Rollouts;
using static MLOps.Core.Tests.Support.TestRolloutSource;

namespace MLOps.Core.Tests.Rollouts;

public class ShadowTests
{
    private static readonly HouseInput Input = TestModels.Inputs[0];

    [Fact]
    public async Task Shadow_ObserversSeeTheShadowPredictionUnderTheSamePredictionId()
    {
        var observer = new RecordingObserver();
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 100, strategy: RolloutStrategy.Shadow),
            model: m => m.AddObserver(observer),
            setup: s => s.SetModels(v => new DelegateModel(_ => new HousePrediction { Score = v.Number * 10 })));
        using var shadows = Collector<long>(harness, MLOpsTelemetry.Instruments.ShadowPredictions);

        Prediction<HousePrediction>[] served = Enumerable.Range(0, 10).Select(i => harness.Client.Predict(Input, "k" + i)).ToArray();
        await Eventually.HoldsAsync(() => observer.Contexts.Count(c => c.IsShadow) == 10, "ten shadow predictions observed");

        Assert.All(served, p => Assert.Equal((new ModelVersion(1), "primary", 10f), (p.ModelVersion, p.Variant, p.Value.Score)));
        foreach (Prediction<HousePrediction> p in served)
        {
            PredictionContext<HouseInput, HousePrediction> shadow = Assert.Single(observer.Contexts, c => c.IsShadow && c.Prediction.PredictionId == p.PredictionId);
            Assert.Equal((new ModelVersion(2), "shadow", 20f), (shadow.Prediction.ModelVersion, shadow.Prediction.Variant, shadow.Prediction.Value.Score));
            Assert.Same(Input, shadow.Input);
            Assert.Single(observer.Contexts, c => !c.IsShadow && c.Prediction.PredictionId == p.PredictionId);
        }

        Assert.Equal(10, shadows.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(shadows.GetMeasurementSnapshot(), m => Assert.Equal("2", m.Tags[MLOpsTelemetry.Tags.ModelVersion]));
    }

    [Fact]
    public async Task Shadow_ThatThrows_IsCountedAndNeverReachesTheCaller()
    {
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 100, strategy: RolloutStrategy.Shadow),
            setup: s => s.SetModels(v => new DelegateModel(_ => v.Number == 2 ? throw new InvalidOperationException("shadow broke") : new HousePrediction { Score = 1 })));
        using var errors = Collector<long>(harness, MLOpsTelemetry.Instruments.ShadowErrors);
        using var durations = Collector<double>(harness, MLOpsTelemetry.Instruments.PredictionDuration);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(1f, harness.Client.Predict(Input).Value.Score));
        await Eventually.HoldsAsync(() => errors.GetMeasurementSnapshot().Sum(m => m.Value) == 20, "twenty shadow errors counted");

        CollectedMeasurement<long> error = errors.GetMeasurementSnapshot()[0];
        Assert.Equal(("house", "2", typeof(InvalidOperationException).FullName), ((string?)error.Tags[MLOpsTelemetry.Tags.ModelName], (string?)error.Tags[MLOpsTelemetry.Tags.ModelVersion], (string?)error.Tags[MLOpsTelemetry.Tags.ErrorType]));

        // The shadow's failures are in the duration histogram under its version and variant, for the analysis.
        var shadowDurations = durations.GetMeasurementSnapshot().Where(m => (string?)m.Tags[MLOpsTelemetry.Tags.Variant] == "shadow").ToList();
        Assert.Equal(20, shadowDurations.Count);
        Assert.All(shadowDurations, m => Assert.Equal(typeof(InvalidOperationException).FullName, m.Tags[MLOpsTelemetry.Tags.ErrorType]));
    }

    [Fact]
    public async Task Shadow_Blocked_CallersNeverWait_AndMirrorsBeyondTheQueueAreDroppedAndCounted()
    {
        const int Capacity = 4;
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 100, strategy: RolloutStrategy.Shadow),
            rollouts: r => r.MirrorQueueCapacity(Capacity),
            setup: s => s.SetModels(v => new DelegateModel(_ =>
            {
                if (v.Number == 2)
                {
                    entered.TrySetResult();
                    gate.Wait();
                }

                return new HousePrediction { Score = v.Number };
            })));
        using var dropped = Collector<long>(harness, MLOpsTelemetry.Instruments.ShadowDropped);
        using var shadows = Collector<long>(harness, MLOpsTelemetry.Instruments.ShadowPredictions);

        try
        {
            Assert.Equal(1f, harness.Client.Predict(Input).Value.Score);    // its mirror blocks the worker
            await entered.Task;
            for (int i = 0; i < Capacity + 7; i++)
            {
                Assert.Equal(1f, harness.Client.Predict(Input).Value.Score);    // returns while the shadow is blocked
            }

            Assert.Equal(7, dropped.GetMeasurementSnapshot().Sum(m => m.Value));
            Assert.All(dropped.GetMeasurementSnapshot(), m => Assert.Equal("2", m.Tags[MLOpsTelemetry.Tags.ModelVersion]));
            Assert.Empty(shadows.GetMeasurementSnapshot());
        }
        finally
        {
            gate.Set();
        }

        await Eventually.HoldsAsync(() => shadows.GetMeasurementSnapshot().Sum(m => m.Value) == 1 + Capacity, "the queued mirrors ran");
        Assert.Equal(7, dropped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Shadow_AtAShare_MirrorsTheKeysBelowItsWeight()
    {
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 30, strategy: RolloutStrategy.Shadow),
            setup: s => s.SetModels(v => new DelegateModel(_ => new HousePrediction { Score = v.Number })));
        using var shadows = Collector<long>(harness, MLOpsTelemetry.Instruments.ShadowPredictions);
        string[] keys = RolloutBucketTests.RandomKeys(2000, seed: 47);
        long seed = RolloutBucket.Seed("rollout-1");
        int expected = keys.Count(k => RolloutBucket.Of(k, seed) < 3000);

        Assert.All(keys, k => Assert.Equal("primary", harness.Client.Predict(Input, k).Variant));

        await Eventually.HoldsAsync(() => shadows.GetMeasurementSnapshot().Sum(m => m.Value) == expected, $"{expected} shadow predictions");
        RolloutBucketTests.AssertWithinFiveSigma(expected, keys.Length, 0.3, "mirrored keys");
    }

    [Fact]
    public async Task MirrorQueue_Dispose_StopsTheWorkerAfterThePredictionInProgress()
    {
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ConcurrentQueue<int>();
        var queue = new MirrorQueue<HouseInput, HousePrediction>(
            capacity: 8,
            item =>
            {
                entered.TrySetResult();
                gate.Wait();
                processed.Enqueue(item.PredictionId.GetHashCode());
            },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            "house");
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 100, strategy: RolloutStrategy.Shadow));
        var arm = harness.Runtime.Arm!;

        Assert.True(queue.TryPost(new MirrorItem<HouseInput, HousePrediction>(Input, PredictionId.NewId(), arm, IsWarmup: false)));
        await entered.Task;
        Assert.True(queue.TryPost(new MirrorItem<HouseInput, HousePrediction>(Input, PredictionId.NewId(), arm, IsWarmup: false)));
        ValueTask disposing = queue.DisposeAsync();
        Assert.False(disposing.IsCompleted);   // waits for the prediction in progress
        gate.Set();
        await disposing;

        Assert.Single(processed);              // the queued one was dropped
        Assert.False(queue.TryPost(new MirrorItem<HouseInput, HousePrediction>(Input, PredictionId.NewId(), arm, IsWarmup: false)));
    }

    [Fact]
    public async Task Shadow_HostStop_StopsTheMirrorWorker_AndTheCallerStillGetsThePrimary()
    {
        var source = new TestRolloutSource(primary: 1);
        source.SetModels(v => new DelegateModel(_ => new HousePrediction { Score = v.Number }));
        source.SetRollout(Rollout(weight: 100, strategy: RolloutStrategy.Shadow));
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMLOps().AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source));
        using IHost host = builder.Build();
        await host.StartAsync();
        var client = (ModelClient<HouseInput, HousePrediction>)host.Services.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        using var shadows = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ShadowPredictions);

        client.Predict(Input);
        await Eventually.HoldsAsync(() => shadows.GetMeasurementSnapshot().Sum(m => m.Value) == 1, "one shadow prediction");
        Assert.False(client.Mirror.Completion.IsCompleted);   // the worker waits for the next copy

        await host.StopAsync();

        await client.Mirror.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(client.Mirror.Completion.IsCompletedSuccessfully);
        Assert.Equal((1f, "primary"), (client.Predict(Input).Value.Score, client.Predict(Input).Variant));
    }

    private static MetricCollector<T> Collector<T>(RolloutHarness harness, string instrument)
        where T : struct =>
        new(harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, instrument);

    private sealed class RecordingObserver : IPredictionObserver<HouseInput, HousePrediction>
    {
        private readonly ConcurrentQueue<PredictionContext<HouseInput, HousePrediction>> _contexts = new();

        public IReadOnlyList<PredictionContext<HouseInput, HousePrediction>> Contexts => _contexts.ToArray();

        public void OnPrediction(in PredictionContext<HouseInput, HousePrediction> context) => _contexts.Enqueue(context);
    }
}
