using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Retraining;

namespace MLOps.Monitoring.Tests.Retraining;

/// <summary>
/// The whole loop in one process on fake time: a model trained on distribution A serves traffic from distribution B with
/// delayed labels; drift and quality decay are detected; a retrain on B registers and promotes a new version; the
/// predictions come from it and the error returns to normal.
/// </summary>
public sealed class RetrainEndToEndTests : IAsyncLifetime
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly List<Trip> _warehouse = [];

    // The retrain may trigger on the first drifted window, while B's trips are still arriving. Training waits until
    // all 600 have landed, so what it trains on does not depend on how busy the machine is (it failed under load when
    // a retrain started with a handful of rows).
    private readonly TaskCompletionSource _warehouseFilled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        // Version 1: trained on A, registered with A's reference profile, champion.
        await using (var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _dir.Path).Services.BuildServiceProvider())
        {
            var registry = seed.GetRequiredService<IModelRegistry>();
            var a = TripData.A(3000, seed: 1);
            var v1 = await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(TripData.Save(TripData.Train(a)))])
            {
                ReferenceProfile = RegistryReferenceProfileProvider.ToBlob(ReferenceProfile.Create(a)),
            });
            await registry.PromoteAsync(new PromoteRequest(Taxi, v1.Version, ModelAlias.Champion) { Reason = "trained on A" });
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.Configure<RetrainOptions>(o => o.StateDirectory = Path.Combine(_dir.Path, "retrain"));
        builder.Services.AddMLOps(o => o.ReloadDelay = TimeSpan.Zero)
            .AddFileSystemRegistry(o => o.RootPath = _dir.Path)
            .AddFileSystemTracking(o => o.RootPath = Path.Combine(_dir.Path, "tracking"))
            .AddModel<Trip, TripEstimate>("taxi", m => m
                .FromRegistry(alias: "champion")
                .WithDriftMonitoring(d => d.WindowSize(200))
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(200))
                .WithRetrainPolicy(r => r
                    .OnDatasetDrift()
                    .OnMetricBelow("r2", 0.5, consecutiveWindows: 1)
                    .Cooldown(TimeSpan.FromHours(1))
                    .TrainWith(TripData.Pipeline)
                    .TrainOn(_ => new WarehouseSource(_warehouse, _warehouseFilled.Task))
                    .EvaluateRegression("r2")));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task DriftAndDecay_OnDistributionB_RetrainPromoteServeAndErrorRecovers()
    {
        var client = _host.Services.GetRequiredService<IModelClient<Trip, TripEstimate>>();
        var feedback = _host.Services.GetRequiredService<MLOps.Monitoring.Quality.Feedback.IFeedbackSink>();
        var coordinator = _host.Services.GetRequiredService<IRetrainCoordinator>();
        var drift = _host.Services.GetRequiredService<IDriftMonitor>();
        var quality = _host.Services.GetRequiredService<IModelQualityMonitor>();
        var runs = new List<RetrainRun>();
        using IDisposable runSubscription = coordinator.Subscribe(run => { lock (runs) { runs.Add(run); } });
        int created = 0;
        var driftReports = new System.Collections.Concurrent.ConcurrentQueue<MLOps.Monitoring.Drift.DriftReport>();
        using IDisposable driftSubscription = drift.Subscribe(report =>
        {
            Interlocked.Increment(ref created);
            if (report.DriftedFeatures > 0)
            {
                driftReports.Enqueue(report);
            }
        });

        // Distribution A until drift monitoring runs (its reference loads in the background; predictions made before
        // that are not counted, by design).
        double errorOnA = await ServeAsync(TripData.A(200, seed: 2), completed: false);
        for (int i = 0; Volatile.Read(ref created) == 0; i++)
        {
            Assert.True(i < 200, "drift monitoring never evaluated a window");
            await Task.Delay(50);
            await ServeAsync(TripData.A(200, seed: 10 + i), completed: false);
        }

        Assert.Equal(new ModelVersion(1), client.Predict(TripData.A(1, 3)[0]).ModelVersion);

        // Distribution B arrives; completed trips land in the warehouse and their ground truth comes back.
        double errorBefore = await ServeAsync(TripData.B(600, seed: 4));
        _warehouseFilled.SetResult();
        await WaitAsync(() => { lock (runs) { return runs.Count > 0; } }, "a retrain");

        var run = runs[0];
        Assert.Contains(driftReports, r => r.ModelVersion == 1 && r.DatasetDrift && r.Features.Any(f => f.Feature == nameof(Trip.Distance) && f.Drifted));
        Assert.DoesNotContain(driftReports, r => r.Features.Any(f => f.Feature == nameof(Trip.Duration)));   // the label is not a feature
        Assert.Contains(quality.GetLatest(ModelName.Parse("taxi"))!.Closed, w => w.ModelVersion == new ModelVersion(1) && w.Metrics["r2"] < 0.5);   // quality decayed
        Assert.Equal(RetrainOutcome.Promoted, run.Outcome);
        Assert.Contains(run.Trigger.Kind, new[] { RetrainTriggerKind.DatasetDrift, RetrainTriggerKind.QualityDecay });
        Assert.True(run.CandidateMetrics["r2"] > run.ChampionMetrics["r2"]);
        await WaitAsync(() => client.Predict(TripData.B(1, 5)[0]).ModelVersion == run.CandidateVersion, "the new version served");

        double errorAfter = await ServeAsync(TripData.B(400, seed: 6));
        Assert.True(errorAfter < errorBefore / 3, $"mean absolute error on B: {errorBefore:F1} before, {errorAfter:F1} after the retrain");
        Assert.True(errorAfter < errorOnA * 3, $"mean absolute error: {errorOnA:F1} on A with v1, {errorAfter:F1} on B with v{run.CandidateVersion}");
        var lineage = (await _host.Services.GetRequiredService<IModelRegistry>().GetVersionAsync(Taxi, run.CandidateVersion!.Value))!.Lineage!;
        Assert.Equal(new ModelVersion(1), lineage.ParentVersion);

        // The retrain is a run of the experiment tracker like any other, and the lineage names it.
        Assert.Equal(run.RunId, lineage.RunId);
        var tracked = await _host.Services.GetRequiredService<IExperimentTracker>().GetRunAsync(lineage.RunId!);
        Assert.NotNull(tracked);
        Assert.Equal(RunStatus.Finished, tracked.Status);
        Assert.Equal(run.CandidateMetrics["r2"], tracked.Metrics["r2"]);
        Assert.Equal(lineage.DatasetDigest, Assert.Single(tracked.Datasets).Digest);
        Assert.Equal("promoted", tracked.Tags["mlops.retrain.outcome"]);
        Assert.NotNull(await _host.Services.GetRequiredService<IModelRegistry>().GetReferenceProfileAsync(Taxi, run.CandidateVersion!.Value));
    }

    /// <summary>Predicts every trip, records it as completed with its real duration, and returns the mean absolute error.</summary>
    private async Task<double> ServeAsync(List<Trip> trips, bool completed = true)
    {
        var client = _host.Services.GetRequiredService<IModelClient<Trip, TripEstimate>>();
        var feedback = _host.Services.GetRequiredService<MLOps.Monitoring.Quality.Feedback.IFeedbackSink>();
        double error = 0;
        foreach (var trip in trips)
        {
            var prediction = client.Predict(new Trip { Distance = trip.Distance, Hour = trip.Hour });
            error += Math.Abs(prediction.Value.Score - trip.Duration);
            if (completed)
            {
                lock (_warehouse)
                {
                    _warehouse.Add(trip);
                }

                await feedback.RecordAsync(prediction.PredictionId, trip.Duration);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return error / trips.Count;
    }

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            _time.Advance(TimeSpan.FromSeconds(1));   // fake time drives polls and delays; nothing here asserts durations
            await Task.Delay(20);
        }
    }

    private sealed class WarehouseSource(List<Trip> rows, Task filled) : ITrainingDataSource<Trip>
    {
        public async ValueTask<IReadOnlyList<Trip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken)
        {
            await filled.WaitAsync(cancellationToken);
            lock (rows)
            {
                return rows.TakeLast(600).ToList();
            }
        }
    }
}
