using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Core.Tests.Support;
using static MLOps.Core.Tests.Support.TestRolloutSource;

namespace MLOps.Core.Tests.Rollouts;

public class RolloutRoutingTests
{
    private static readonly HouseInput Input = TestModels.Inputs[0];

    [Fact]
    public async Task Predict_SameKey_GetsTheSameArmOnEveryCallAndOnAnotherReplica()
    {
        await using var replica1 = await RolloutHarness.StartAsync(Rollout(weight: 50));
        await using var replica2 = await RolloutHarness.StartAsync(Rollout(weight: 50));
        string[] keys = RolloutBucketTests.RandomKeys(200, seed: 11);

        int onCandidate = 0;
        foreach (string key in keys)
        {
            Prediction<HousePrediction> first = replica1.Client.Predict(Input, key);
            Assert.Equal(first.Variant, replica1.Client.Predict(Input, key).Variant);
            Assert.Equal(first.Variant, replica2.Client.Predict(Input, key).Variant);
            Assert.Equal(first.ModelVersion, replica2.Client.Predict(Input, key).ModelVersion);
            onCandidate += first.Variant == "candidate" ? 1 : 0;
        }

        Assert.InRange(onCandidate, 1, keys.Length - 1);
    }

    [Fact]
    public async Task Predict_DuringACanary_ReportsTheArmThatAnsweredInThePredictionAndTheMetrics()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 50, candidate: 2));
        using var collector = new MetricCollector<double>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        float primaryScore = TestModels.RawScore(Transformer(1), Input);
        float candidateScore = TestModels.RawScore(Transformer(2), Input);

        var predictions = RolloutBucketTests.RandomKeys(100, seed: 5).Select(k => harness.Client.Predict(Input, k)).ToList();

        Assert.Contains(predictions, p => p.Variant == "candidate");
        Assert.Contains(predictions, p => p.Variant == "primary");
        foreach (Prediction<HousePrediction> p in predictions)
        {
            (int version, float score) = p.Variant == "candidate" ? (2, candidateScore) : (1, primaryScore);
            Assert.Equal(new ModelVersion(version), p.ModelVersion);
            Assert.Equal(score, p.Value.Score);
        }

        IReadOnlyList<CollectedMeasurement<double>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(predictions.Count, measurements.Count);
        for (int i = 0; i < predictions.Count; i++)
        {
            Assert.Equal(predictions[i].ModelVersion.ToString(), measurements[i].Tags[MLOpsTelemetry.Tags.ModelVersion]);
            Assert.Equal(predictions[i].Variant, measurements[i].Tags[MLOpsTelemetry.Tags.Variant]);
        }
    }

    [Fact]
    public async Task Predict_KeyOnTheCandidate_StaysOnTheCandidateWhenTheWeightGrows()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 10));
        string[] keys = RolloutBucketTests.RandomKeys(2000, seed: 17);
        string[] at10 = keys.Where(k => harness.Client.Predict(Input, k).Variant == "candidate").ToArray();

        await harness.ApplyAsync(Rollout(weight: 50, revision: 2));
        string[] at50 = keys.Where(k => harness.Client.Predict(Input, k).Variant == "candidate").ToArray();

        Assert.NotEmpty(at10);
        Assert.Subset(at50.ToHashSet(), at10.ToHashSet());
        Assert.True(at50.Length > at10.Length * 3, $"{at10.Length} keys at 10 %, {at50.Length} at 50 %");
    }

    [Fact]
    public async Task Predict_AnotherRolloutOfTheSameCandidate_ReshufflesTheKeys()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 50, id: "first"));
        string[] keys = RolloutBucketTests.RandomKeys(2000, seed: 23);
        string[] before = keys.Select(k => harness.Client.Predict(Input, k).Variant).ToArray();

        await harness.ApplyAsync(Rollout(weight: 50, id: "second"));
        int agree = keys.Where((k, i) => harness.Client.Predict(Input, k).Variant == before[i]).Count();

        RolloutBucketTests.AssertWithinFiveSigma(agree, keys.Length, 0.5, "keys keeping their arm");
    }

    [Fact]
    public async Task Predict_AssignByKey_IsStickyAndAnExplicitKeyWinsOverIt()
    {
        // "customer-42" is in bucket 6596 of rollout-1 (see RolloutBucketTests): candidate at 70 %, primary at 60 %.
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 70), r => r.AssignBy(_ => "customer-42"));

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("candidate", harness.Client.Predict(Input).Variant));
        await harness.ApplyAsync(Rollout(weight: 60, revision: 2));
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("primary", harness.Client.Predict(Input).Variant));

        // "alice" is in bucket 4176: candidate at 60 %.
        Assert.Equal("candidate", harness.Client.Predict(Input, "alice").Variant);
    }

    [Fact]
    public async Task Predict_WithoutAKey_IsAssignedAtRandomNearTheWeight()
    {
        const int Calls = 4000;
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 30));

        int onCandidate = Enumerable.Range(0, Calls).Count(_ => harness.Client.Predict(Input).Variant == "candidate");

        RolloutBucketTests.AssertWithinFiveSigma(onCandidate, Calls, 0.3, "calls without a key on the candidate");
    }

    [Fact]
    public async Task PredictBatch_DuringACanary_AnswersTheWholeBatchFromOneArm()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 50), r => r.AssignBy(h => h.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string[] keys = RolloutBucketTests.RandomKeys(50, seed: 29);

        var batches = keys.Select(k => harness.Client.PredictBatch(TestModels.Inputs, k)).ToList();
        batches.Add(harness.Client.PredictBatch(TestModels.Inputs));

        Assert.All(batches, b => Assert.Single(b.Select(p => (p.Variant, p.ModelVersion)).Distinct()));
        Assert.Contains(batches, b => b[0].Variant == "candidate");
        Assert.Contains(batches, b => b[0].Variant == "primary");
        Assert.Equal(
            keys.Select(k => harness.Client.Predict(TestModels.Inputs[1], k).Variant),
            batches.Take(keys.Length).Select(b => b[0].Variant));
    }

    [Fact]
    public async Task BlueGreen_AtFullWeight_TheCandidateAnswersEveryCallAndTheRollbackIsInstant()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 100, strategy: RolloutStrategy.BlueGreen));
        Assert.All(RolloutBucketTests.RandomKeys(50, seed: 31), k => Assert.Equal(new ModelVersion(2), harness.Client.Predict(Input, k).ModelVersion));
        Assert.Equal(new ModelVersion(1), harness.Runtime.Current!.Version);   // the primary stays loaded

        await harness.ApplyAsync(Rollout(weight: 0, revision: 2, strategy: RolloutStrategy.BlueGreen, state: RolloutState.RolledBack));

        Assert.Null(harness.Runtime.Arm);
        Assert.Equal(new ModelVersion(1), harness.Client.Predict(Input, "any").ModelVersion);
        Assert.Equal(1, harness.Source.CandidateLoads);
    }

    [Fact]
    public async Task RolloutWeightGauge_ReportsThePrimaryAndTheCandidateAndFollowsTheRollout()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 10));
        using var collector = new MetricCollector<int>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RolloutWeight);

        Assert.Equal(new Dictionary<string, int> { ["primary"] = 90, ["candidate"] = 10 }, Weights(collector));

        await harness.ApplyAsync(Rollout(weight: 25, revision: 2));
        Assert.Equal(new Dictionary<string, int> { ["primary"] = 75, ["candidate"] = 25 }, Weights(collector));

        await harness.ApplyAsync(Rollout(weight: 50, revision: 3, strategy: RolloutStrategy.Shadow, id: "shadow-1"));
        Assert.Equal(new Dictionary<string, int> { ["primary"] = 100, ["shadow"] = 50 }, Weights(collector));

        await harness.ApplyAsync(null);
        Assert.Equal(new Dictionary<string, int> { ["primary"] = 100 }, Weights(collector));
        Assert.Equal("%", collector.Instrument!.Unit);
    }

    [Fact]
    public async Task ModelLoadedGauge_ReportsTheCandidateVersionBesideThePrimary()
    {
        await using var harness = await RolloutHarness.StartAsync(Rollout(weight: 10, candidate: 3));
        using var collector = new MetricCollector<long>(
            harness.Provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ModelLoaded);

        collector.RecordObservableInstruments();

        Assert.Equal(
            new Dictionary<string, long> { ["primary"] = 1, ["candidate"] = 3 },
            collector.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[MLOpsTelemetry.Tags.Variant]!, m => m.Value));
    }

    private static Dictionary<string, int> Weights(MetricCollector<int> collector)
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[MLOpsTelemetry.Tags.Variant]!, m => m.Value);
    }
}
