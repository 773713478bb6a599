using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Core.Tests.Support;
using MLOps.Internal;
using static MLOps.Core.Tests.Support.TestRolloutSource;

namespace MLOps.Core.Tests.Rollouts;

public class RolloutLifecycleTests
{
    private static readonly HouseInput Input = TestModels.Inputs[0];

    [Fact]
    public async Task Warmup_CandidateGetsNoWeightUntilItsWarmupPredictionsRan_AndTheyAreNotRecorded()
    {
        int candidateCalls = 0;
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 100, strategy: RolloutStrategy.BlueGreen, warmup: 5),
            setup: s => s.SetModels(v => new DelegateModel(_ =>
            {
                if (v.Number == 2)
                {
                    Interlocked.Increment(ref candidateCalls);
                }

                return new HousePrediction { Score = v.Number };
            })));
        using var collector = new MetricCollector<double>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);

        // Nothing has warmed the candidate yet: at 100 % it still gets no request.
        Assert.Equal(new ModelVersion(1), harness.Client.Predict(Input, "k").ModelVersion);
        Assert.Equal(0, harness.Runtime.DescribeCandidate()!.Value.Weight);

        int served = 1;
        int callsBeforeFirstAnswer = -1;
        await Eventually.HoldsAsync(
            () =>
            {
                int calls = Volatile.Read(ref candidateCalls);
                served++;
                if (harness.Client.Predict(Input, "k").ModelVersion.Number != 2)
                {
                    return false;
                }

                callsBeforeFirstAnswer = calls;
                return true;
            },
            "the candidate answers once warm");

        Assert.True(callsBeforeFirstAnswer >= 5, $"the candidate answered after {callsBeforeFirstAnswer} warm-up predictions");
        Assert.Equal(100, harness.Runtime.DescribeCandidate()!.Value.Weight);
        var recorded = collector.GetMeasurementSnapshot();
        Assert.Equal(served, recorded.Count);   // warm-up predictions are not recorded
        Assert.Single(recorded, m => (string?)m.Tags[MLOpsTelemetry.Tags.ModelVersion] == "2");
    }

    [Fact]
    public async Task Warmup_Zero_RoutesAtOnce()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 100, strategy: RolloutStrategy.BlueGreen, warmup: 0));

        Assert.Equal(new ModelVersion(2), harness.Client.Predict(Input).ModelVersion);
    }

    [Fact]
    public async Task RegistryOutage_KeepsTheLastKnownRolloutAndWeights()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 25));
        using var collector = new MetricCollector<int>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RolloutWeight);
        string[] keys = RolloutBucketTests.RandomKeys(500, seed: 37);
        string[] before = keys.Select(k => harness.Client.Predict(Input, k).Variant).ToArray();
        var arm = harness.Runtime.Arm;

        harness.Source.SetOutage(new IOException("registry unreachable"));
        await harness.ReloadAsync();
        await harness.ReloadAsync();

        Assert.Same(arm, harness.Runtime.Arm);
        Assert.Equal(before, keys.Select(k => harness.Client.Predict(Input, k).Variant));
        collector.RecordObservableInstruments();
        Assert.Contains(collector.GetMeasurementSnapshot(), m => (string?)m.Tags[MLOpsTelemetry.Tags.Variant] == "candidate" && m.Value == 25);

        // The registry answers again: the rollout had been rolled back meanwhile.
        await harness.ApplyAsync(Rollout(weight: 0, revision: 2, state: RolloutState.RolledBack));
        Assert.Null(harness.Runtime.Arm);
    }

    [Theory]
    [InlineData(RolloutState.RolledBack)]
    [InlineData(RolloutState.Aborted)]
    public async Task EndOfRollout_WithoutPromotion_UnloadsTheCandidateOnceItsLastPredictionReturns(RolloutState ended)
    {
        var models = new ConcurrentDictionary<int, DelegateModel>();
        await using var harness = await RolloutHarness.StartAsync(
            Rollout(weight: 100, strategy: RolloutStrategy.BlueGreen),
            setup: s => s.SetModels(v => models[v.Number] = new DelegateModel(_ => new HousePrediction { Score = v.Number })));
        ModelHandle<HouseInput, HousePrediction> candidate = harness.Runtime.Arm!.Handle;
        ModelPredictor<HouseInput, HousePrediction> inFlight = candidate.TryRent()!;   // a prediction in progress

        await harness.ApplyAsync(Rollout(weight: 0, revision: 2, state: ended));

        Assert.Null(harness.Runtime.Arm);
        Assert.True(candidate.IsRetired);
        Assert.False(models[2].Disposed);
        Assert.Equal(2, inFlight.Predict(Input).Score);
        candidate.Return(inFlight);
        Assert.True(models[2].Disposed);
        Assert.False(models[1].Disposed);
        Assert.Equal(new ModelVersion(1), harness.Client.Predict(Input).ModelVersion);
    }

    [Fact]
    public async Task EndOfRollout_Promoted_ThePrimaryReloadsToTheCandidateAndTheCandidateArmIsUnloaded()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 50));

        harness.Source.SetPrimary(2);   // the promotion moved the alias
        await harness.ApplyAsync(Rollout(weight: 50, revision: 2, state: RolloutState.Succeeded));

        Assert.Null(harness.Runtime.Arm);
        Assert.All(RolloutBucketTests.RandomKeys(50, seed: 41), k =>
        {
            Prediction<HousePrediction> p = harness.Client.Predict(Input, k);
            Assert.Equal((new ModelVersion(2), "primary"), (p.ModelVersion, p.Variant));
        });
    }

    [Fact]
    public async Task CandidateThatFailsToLoad_IsCountedWithItsVersion_AndThePrimaryServesEveryCall()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 10));
        using var failures = new MetricCollector<long>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RolloutCandidateLoadFailures);
        using var loads = new MetricCollector<long>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ModelLoads);
        harness.Source.SetModels(v => v.Number == 3 ? throw new InvalidDataException("corrupt artifact") : new DelegateModel(_ => new HousePrediction { Score = v.Number }));

        await harness.ApplyAsync(Rollout(weight: 50, candidate: 3, revision: 2));

        Assert.Null(harness.Runtime.Arm);
        CollectedMeasurement<long> failure = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(1, failure.Value);
        Assert.Equal("house", failure.Tags[MLOpsTelemetry.Tags.ModelName]);
        Assert.Equal("3", failure.Tags[MLOpsTelemetry.Tags.ModelVersion]);
        Assert.Equal(typeof(InvalidDataException).FullName, failure.Tags[MLOpsTelemetry.Tags.ErrorType]);
        CollectedMeasurement<long> load = Assert.Single(loads.GetMeasurementSnapshot());
        Assert.Equal(("candidate", "failure"), ((string?)load.Tags[MLOpsTelemetry.Tags.Variant], (string?)load.Tags[MLOpsTelemetry.Tags.Outcome]));
        Assert.All(RolloutBucketTests.RandomKeys(50, seed: 43), k => Assert.Equal(new ModelVersion(1), harness.Client.Predict(Input, k).ModelVersion));
        Assert.Null(harness.Catalog.Find(RolloutHarness.House)!.LastLoadError);   // the primary's health is untouched
    }

    [Fact]
    public async Task HotSwap_BothArmsChangingUnderConcurrentCalls_EveryCallCompletesOnAVersionOfItsArm()
    {
        const int Threads = 4;
        const int Rounds = 30;
        IReadOnlyList<Microsoft.ML.ITransformer> models = TestModels.Distinct;
        float[] expected = models.Select(m => TestModels.RawScore(m, Input)).ToArray();
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 50, candidate: 2));
        var errors = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<(string Variant, int Version), int>();
        long total = 0;
        using var stop = new CancellationTokenSource();
        Task[] workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Prediction<HousePrediction> p = harness.Client.Predict(Input, $"{t}-{i++}");
                    seen.AddOrUpdate((p.Variant, p.ModelVersion.Number), 1, (_, n) => n + 1);
                    Interlocked.Increment(ref total);
                    if (expected[p.ModelVersion.Number % models.Count] != p.Value.Score)
                    {
                        errors.Enqueue($"version {p.ModelVersion} ({p.Variant}) returned {p.Value.Score}");
                    }
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex.ToString());
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        var retired = new List<ModelHandle<HouseInput, HousePrediction>>();
        for (int round = 1; round <= Rounds; round++)
        {
            retired.Add(harness.Runtime.Arm!.Handle);
            retired.Add(harness.Runtime.Current!);
            harness.Source.SetPrimary(round % 2 == 0 ? 1 : 5);                       // the alias moves back and forth
            await harness.ApplyAsync(Rollout(weight: 50, candidate: 2 + (round % 2), revision: round + 1));   // the candidate is restarted
            long before = Interlocked.Read(ref total);
            await Eventually.HoldsAsync(() => Interlocked.Read(ref total) > before + 20, "predictions run between the swaps");
        }

        stop.Cancel();
        await Task.WhenAll(workers);

        Assert.Empty(errors);
        Assert.Contains(seen.Keys, k => k.Variant == "candidate");
        Assert.Contains(seen.Keys, k => k.Variant == "primary");
        Assert.All(seen.Keys, k => Assert.Contains(k.Version, k.Variant == "primary" ? new[] { 1, 5 } : new[] { 2, 3 }));
        Assert.All(retired, h =>
        {
            Assert.True(h.IsRetired);
            Assert.Equal(0, h.LiveEngines);   // every engine came back and was disposed
        });
    }
}
