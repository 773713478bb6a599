using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality;

public class QualityObserverTests
{
    [Fact]
    public void OnPrediction_Warm_AllocatesNothingAndStoresValueScoreAndSegment()
    {
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var settings = new QualitySettings("churn", QualityTask.BinaryClassification, true, true, 1000, null, 1024, TimeSpan.FromHours(1), 20, 30);
        var tracker = new ModelQualityTracker(settings, time, new QualityEvents(NullLogger.Instance), NullLogger.Instance);
        var options = new QualityMonitoringBuilder<HouseInput, ChurnPrediction>();
        options.BinaryClassification(static o => o.PredictedLabel, static o => o.Probability).SegmentBy(static i => i.Region);
        var writer = new PredictionLogWriter(null, new QualityInstruments(services.GetRequiredService<IMeterFactory>()), NullLogger.Instance);
        var observer = new QualityObserver<HouseInput, ChurnPrediction>(tracker, writer, options);
        var input = new HouseInput { Region = "north" };
        var output = new ChurnPrediction { PredictedLabel = true, Probability = 0.75f };
        var contexts = Enumerable.Range(0, 3000)
            .Select(_ => new PredictionContext<HouseInput, ChurnPrediction>(ModelName.Parse("churn"), input, new Prediction<ChurnPrediction>(output, PredictionId.NewId(), new ModelVersion(2), "canary")))
            .ToArray();
        for (int i = 0; i < 2000; i++)
        {
            observer.OnPrediction(in contexts[i]);   // warm up, and fill the ring past capacity so adds also evict
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2000; i < 3000; i++)
        {
            observer.OnPrediction(in contexts[i]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(StoreLookup.Live, tracker.Store.TryGet(contexts[^1].Prediction.PredictionId, time.GetUtcNow().UtcTicks, out StoredPrediction stored));
        Assert.Equal((1.0, 0.75, "north", 2, "canary"), (stored.Value, stored.Score, stored.Segment, stored.Version, stored.Variant));
        Assert.Equal(StoreLookup.NotFound, tracker.Store.TryGet(contexts[0].Prediction.PredictionId, 0, out _));
    }
}
