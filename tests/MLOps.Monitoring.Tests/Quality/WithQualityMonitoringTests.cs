using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality;

public class WithQualityMonitoringTests
{
    [Fact]
    public void WithQualityMonitoring_NoTask_ThrowsInvalidOperationException()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Window(10)))));
        Assert.Contains("Regression", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithQualityMonitoring_Twice_ThrowsInvalidOperationException()
    {
        Assert.Throws<InvalidOperationException>(() => QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score))
            .WithQualityMonitoring(q => q.Regression(o => o.Score)))));
    }

    [Fact]
    public void Builder_InvalidArguments_ThrowNamingTheParameter()
    {
        QualityMonitoringBuilder<HouseInput, HousePrediction>? captured = null;
        QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => captured = q.Regression(o => o.Score)))).Dispose();

        Assert.Equal("labelledPredictions", Assert.Throws<ArgumentOutOfRangeException>(() => captured!.Window(0)).ParamName);
        Assert.Equal("duration", Assert.Throws<ArgumentOutOfRangeException>(() => captured!.Window(TimeSpan.Zero)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => captured!.StoreCapacity(0)).ParamName);
        Assert.Equal("maxSegments", Assert.Throws<ArgumentOutOfRangeException>(() => captured!.SegmentBy(i => i.Region, maxSegments: 1)).ParamName);
        Assert.Equal("predictedValue", Assert.Throws<ArgumentNullException>(() => captured!.Regression(null!)).ParamName);
    }

    [Fact]
    public async Task TwoModels_ShareOneSinkAndMonitor_FeedbackIsRoutedByPredictionId()
    {
        await using var provider = QualityServices.Build(b => b
            .AddJsonLinesPredictionLog(o => o.Directory = Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid().ToString("N")))
            .AddJsonLinesPredictionLog()
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(QualityTestModels.House).WithQualityMonitoring(q => q.Regression(o => o.Score)))
            .AddModel<ChurnInput, ChurnPrediction>("churn", m => m.FromTransformer(QualityTestModels.Churn).WithQualityMonitoring(q => q.BinaryClassification(o => o.PredictedLabel))));
        var sink = provider.GetRequiredService<IFeedbackSink>();
        var monitor = provider.GetRequiredService<IModelQualityMonitor>();
        Prediction<ChurnPrediction> churn = provider.GetRequiredService<IModelClient<ChurnInput, ChurnPrediction>>().Predict(QualityTestModels.ChurnInputs(1)[0]);

        FeedbackResult result = await sink.RecordAsync(churn.PredictionId, false);

        Assert.Equal((FeedbackOutcome.Joined, "churn"), (result.Outcome, result.ModelName?.Value));
        Assert.Equal(["churn", "house"], monitor.ModelNames.Select(n => n.Value).Order().ToArray());
        Assert.Single(provider.GetServices<IPredictionLog>());
        Assert.Equal(1, monitor.GetLatest(ModelName.Parse("churn"))!.JoinedFeedback);
        Assert.Equal(0, monitor.GetLatest(ModelName.Parse("house"))!.JoinedFeedback);
    }
}
