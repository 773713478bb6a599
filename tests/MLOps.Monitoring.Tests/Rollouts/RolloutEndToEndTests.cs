using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>
/// Both endings of a canary, in process and with nothing stood in: a real file-system registry, the model served from its
/// champion alias through <c>IModelClient</c> (two arms, sticky keys), quality monitoring fed with ground truth through
/// <c>IFeedbackSink</c>, and the hosted analysis loop on a fake clock. A good candidate walks its steps and is promoted (the
/// alias moves and serving follows); a biased candidate is rolled back by the analysis while every prediction succeeds.
/// </summary>
public sealed class RolloutEndToEndTests
{
    private static readonly ModelName House = ModelName.Parse("house");

    [Fact]
    public async Task Canary_GoodCandidate_WalksItsStepsAndIsPromoted_BiasedCandidate_IsRolledBack()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using ServiceProvider provider = Services.Build(
            b => b.AddFileSystemRegistry(o => o.RootPath = dir.Path)
                .AddRolloutAnalysis(o =>
                {
                    o.PollInterval = TimeSpan.FromSeconds(1);
                    o.MinLabelledPredictions = 20;
                })
                .AddModel<HouseInput, HousePrediction>("house", m => m
                    .FromRegistry(alias: "champion")
                    .WithRollouts(r => r.AssignBy(h => h.District + ":" + h.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                    .WithQualityMonitoring(q => q.Regression(o => o.Score))),
            s => s.AddSingleton<TimeProvider>(time));
        var registry = provider.GetRequiredService<IModelRegistry>();
        await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(Save(TestModels.House))]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(Save(Train(bias: 0)))]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(Save(Train(bias: 3000)))]));
        await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });

        IHostedService[] hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
            var feedback = provider.GetRequiredService<IFeedbackSink>();
            RolloutAnalysisService loop = hosted.OfType<RolloutAnalysisService>().Single();
            var analysis = new RolloutAnalysis
            {
                Interval = TimeSpan.FromSeconds(10),
                MinSampleSize = 30,
                FailureThreshold = 2,
                QualityMetric = "mae",
                MaxQualityDegradation = 0.2,
                MaxLatencyRatio = null,   // the test machine's latency is not the model's: judged on errors and quality only
            };
            await Eventually.HoldsAsync(() => TryPredict(client, 1), "version 1 is served from the champion alias");

            // The good candidate: trained on the same rows as the champion.
            Rollout good = await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Canary)
            {
                Steps = [20, 50],
                Analysis = analysis,
                Reason = "retrained",
            });
            (Rollout endedGood, var servedGood) = await DriveAsync(registry, client, feedback, time, loop, good.Id, seed: 1);

            Assert.Equal(RolloutState.Succeeded, endedGood.State);
            Assert.Equal(
                [RolloutAction.Started, RolloutAction.Advanced, RolloutAction.Promoted],
                endedGood.Decisions.Select(d => d.Action).Where(a => a != RolloutAction.Held).ToArray());
            Assert.Contains(2, servedGood);   // the candidate answered during the canary
            Assert.Equal(new ModelVersion(2), (await registry.ResolveAsync(ModelReference.ForAlias(House, ModelAlias.Champion)))!.Version);
            await Eventually.HoldsAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(1));   // the reload after a change is debounced on the clock
                    return TryPredict(client, 2);
                },
                "serving follows the promotion to version 2");

            // The biased candidate: every prediction 3,000 too high. The analysis, not the test, rolls it back.
            Rollout bad = await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(3), RolloutStrategy.Canary)
            {
                Steps = [20, 50],
                Analysis = analysis,
                Reason = "a bad retrain",
            });
            (Rollout endedBad, var servedBad) = await DriveAsync(registry, client, feedback, time, loop, bad.Id, seed: 2);

            Assert.Equal(RolloutState.RolledBack, endedBad.State);
            Assert.Equal(0, endedBad.CandidateWeight);
            RolloutDecision rollback = endedBad.Decisions[^1];
            Assert.Equal(RolloutAction.RolledBack, rollback.Action);
            Assert.Contains("mae", rollback.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(endedBad.Decisions, d => d.Action == RolloutAction.Advanced);   // never past its first step
            Assert.Contains(3, servedBad);
            Assert.Equal(new ModelVersion(2), (await registry.ResolveAsync(ModelReference.ForAlias(House, ModelAlias.Champion)))!.Version);
            await Eventually.HoldsAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(1));   // the reload after a change is debounced on the clock
                    return Enumerable.Range(0, 200).All(i => client.Predict(TestModels.Houses(1, seed: 900 + i)[0]).ModelVersion == new ModelVersion(2));
                },
                "the rolled-back candidate no longer answers");
        }
        finally
        {
            foreach (IHostedService service in hosted.Reverse())
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Sends rounds of traffic with their ground truth and moves the fake clock one analysis interval per round, until the
    /// rollout ends. Every prediction must succeed. Returns the ended rollout and the versions that answered.
    /// </summary>
    private static async Task<(Rollout Ended, HashSet<int> Served)> DriveAsync(
        IModelRegistry registry, IModelClient<HouseInput, HousePrediction> client, IFeedbackSink feedback, FakeTimeProvider time, RolloutAnalysisService loop, string rolloutId, int seed)
    {
        var served = new HashSet<int>();
        for (int round = 0; round < 60; round++)
        {
            foreach (HouseInput house in TestModels.Houses(100, seed: (seed * 1000) + round))
            {
                Prediction<HousePrediction> prediction = client.Predict(house);   // throws if a prediction failed
                served.Add(prediction.ModelVersion.Number);
                await feedback.RecordAsync(prediction.PredictionId, house.Price);
            }

            // One analysis interval: the loop's 1 s delay fires once, and its pass reads this round's figures.
            long passes = loop.Passes;
            time.Advance(TimeSpan.FromSeconds(10));
            await Eventually.HoldsAsync(() => loop.Passes > passes, "the analysis looked at the round");
            Rollout current = (await registry.GetRolloutAsync(House, rolloutId))!;
            if (!current.IsActive)
            {
                return (current, served);
            }
        }

        Assert.Fail("the rollout did not end within 60 analysis intervals");
        return default;
    }

    private static bool TryPredict(IModelClient<HouseInput, HousePrediction> client, int expectedVersion)
    {
        try
        {
            return client.Predict(TestModels.Houses(1, seed: 5)[0]).ModelVersion.Number == expectedVersion;
        }
        catch (ModelNotLoadedException)
        {
            return false;
        }
    }

#pragma warning disable CA1859   // the artifact is saved as any ITransformer
    private static ITransformer Train(double bias)
    {
        var ml = new MLContext(seed: 7);
        HouseInput[] rows = TestModels.Houses(300, seed: 1);
        foreach (HouseInput row in rows)
        {
            row.Price += (float)bias;
        }

        IDataView view = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20))
            .Fit(view);
    }
#pragma warning restore CA1859

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }
}
