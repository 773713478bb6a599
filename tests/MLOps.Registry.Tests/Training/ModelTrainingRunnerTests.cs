using MLOps.Core.Tests.Support;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Training;

/// <summary>
/// Train → evaluate → track → register against the real file-system registry and tracker sharing one directory.
/// </summary>
public sealed class ModelTrainingRunnerTests : IDisposable
{
    private static readonly ModelName House = ModelName.Parse("house-price");

    private readonly TempDirectory _directory = new();
    private readonly FileSystemModelRegistry _registry;
    private readonly FileSystemExperimentTracker _tracker;
    private readonly ModelTrainingRunner _runner;

    public ModelTrainingRunnerTests()
    {
        _registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });
        _tracker = new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = _directory.Path });
        _runner = new ModelTrainingRunner(_registry, _tracker);
    }

#pragma warning disable CA1859 // the request takes any estimator
    private static IEstimator<ITransformer> RegressionPipeline(string label = nameof(HouseInput.Price))
    {
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: label, maximumNumberOfIterations: 20));
    }
#pragma warning restore CA1859

    private static ModelTrainingRequest RegressionRequest() => new(House, RegressionPipeline(), ModelTrainingTask.Regression)
    {
        LabelColumnName = nameof(HouseInput.Price),
        Params = new Dictionary<string, string> { ["trainer"] = "sdca", ["max_iterations"] = "20" },
        DatasetName = "houses-v1",
        DatasetSource = "synthetic",
        HoldOutFraction = 0.25,
        Seed = 11,
        Trigger = "schedule",
        Reason = "nightly",
    };

    [Fact]
    public async Task Regression_RegistersAVersionWithLineagePointingAtAFinishedRun()
    {
        HouseInput[] rows = TrainingData.Houses();

        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(RegressionRequest(), rows);

        RegisteredModelVersion version = result.Version;
        Assert.Equal(ModelVersionStatus.Ready, version.Status);
        Assert.Equal(new ModelVersion(1), version.Version);
        ModelLineage lineage = Assert.IsType<ModelLineage>(version.Lineage);
        Assert.Equal(result.RunId, lineage.RunId);
        Assert.Equal("houses-v1", lineage.DatasetName);
        Assert.Matches("^sha256:[0-9a-f]{64}$", lineage.DatasetDigest);
        Assert.Equal(200, lineage.DatasetRowCount);
        Assert.Null(lineage.ParentVersion);
        Assert.Equal("schedule", lineage.Trigger);
        Assert.Equal("nightly", lineage.Reason);
        Assert.Equal(Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion, lineage.CodeVersion);
        Assert.Equal(["mae", "mse", "r2", "rmse"], version.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.True(version.Metrics["r2"] > 0.9, $"r2 = {version.Metrics["r2"]}");
        Assert.Equal("sdca", version.Params["trainer"]);
        Assert.Equal("0.25", version.Params["holdout_fraction"]);
        Assert.Equal(result.RunId, version.Tags["mlops.run_id"]);
        ModelSignature signature = Assert.IsType<ModelSignature>(version.Signature);
        Assert.Contains(signature.Inputs, c => c.Name == nameof(HouseInput.Size) && c.Type == "Single");
        Assert.Contains(signature.Outputs, c => c.Name == "Score");

        TrackedRun? run = await _tracker.GetRunAsync(result.RunId);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal("house-price", run.ExperimentName);
        Assert.Equal("1", run.Tags["mlops.registered_version"]);
        Assert.Equal("schedule", run.Tags["mlops.trigger"]);
        Assert.Equal(version.Metrics, run.Metrics);
        Assert.Equal(version.Params, run.Params);
        Assert.Equal("20", run.Params["max_iterations"]);
        Assert.Equal("11", run.Params["seed"]);
        Assert.Equal("200", run.Params["dataset_rows"]);
        Assert.Equal(200L, long.Parse(run.Params["train_rows"], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(run.Params["test_rows"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(200, result.TrainRowCount + result.TestRowCount);
        Assert.True(result.TestRowCount is > 20 and < 80, $"test rows = {result.TestRowCount}");
        DatasetInput dataset = Assert.Single(run.Datasets);
        Assert.Equal("houses-v1", dataset.Name);
        Assert.Equal(lineage.DatasetDigest, dataset.Digest);
        Assert.Equal(200, dataset.RowCount);
        Assert.Equal("synthetic", dataset.Source);
        Assert.Equal(DatasetInput.TrainingContext, dataset.Context);
        Assert.Equal(["Size", "Rooms", "Price"], dataset.Schema!.Select(c => c.Name));

        RunArtifact artifact = Assert.Single(run.Artifacts);
        Assert.Equal("model.zip", artifact.Path);
        Assert.Equal(version.PrimaryArtifact!.Sha256, artifact.Sha256);
        byte[] zip = await _tracker.ReadArtifactAsync(result.RunId, "model.zip");
        Assert.Equal(await _registry.ReadArtifactAsync(House, version.Version), zip);
        ITransformer loaded = new MLContext().Model.Load(new MemoryStream(zip), out _);
        float predicted = TestModels.RawScore(loaded, new HouseInput { Size = 100, Rooms = 3 });
        Assert.InRange(predicted, (30 * 100) + 1500 - 400, (30 * 100) + 1500 + 500);
    }

    [Fact]
    public async Task BinaryClassification_LogsAccuracyPrecisionRecallF1AndAuc()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(PointInput.X), nameof(PointInput.Y))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
        var request = new ModelTrainingRequest(ModelName.Parse("points"), pipeline, ModelTrainingTask.BinaryClassification)
        {
            ExperimentName = "points-experiments",
            RunName = "lbfgs",
        };

        ModelTrainingResult result = await _registry.TrainAndRegisterAsync(_tracker, request, TrainingData.Points());

        Assert.Equal(["accuracy", "f1", "log_loss", "precision", "recall", "roc_auc"], result.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.True(result.Metrics["accuracy"] > 0.95, $"accuracy = {result.Metrics["accuracy"]}");
        Assert.True(result.Metrics["roc_auc"] > 0.95, $"auc = {result.Metrics["roc_auc"]}");
        TrackedRun? run = await _tracker.GetRunAsync(result.RunId);
        Assert.Equal("points-experiments", run?.ExperimentName);
        Assert.Equal("lbfgs", run?.RunName);
        Assert.Equal(result.Metrics, run?.Metrics);
        Assert.Equal(result.RunId, (await _registry.GetVersionAsync(ModelName.Parse("points"), new ModelVersion(1)))?.Lineage?.RunId);
        using var engine = ml.Model.CreatePredictionEngine<PointInput, BinaryOutput>(result.Model);
        Assert.True(engine.Predict(new PointInput { X = 2, Y = 2 }).PredictedLabel);
        Assert.False(engine.Predict(new PointInput { X = -2, Y = -2 }).PredictedLabel);
    }

    [Fact]
    public async Task MulticlassClassification_LogsMicroMacroAccuracyAndLogLoss()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(FlowerInput.Species))
            .Append(ml.Transforms.Concatenate("Features", nameof(FlowerInput.Length), nameof(FlowerInput.Width)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var request = new ModelTrainingRequest(ModelName.Parse("flowers"), pipeline, ModelTrainingTask.MulticlassClassification);

        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(request, TrainingData.Flowers());

        Assert.Equal(["log_loss", "macro_accuracy", "micro_accuracy"], result.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.True(result.Metrics["micro_accuracy"] > 0.9, $"micro accuracy = {result.Metrics["micro_accuracy"]}");
        Assert.Equal(result.Metrics, result.Version.Metrics);
    }

    [Fact]
    public async Task DataView_AndEnumerableOfTheSameRows_GiveTheSameDigest_OtherRowsAnother()
    {
        HouseInput[] rows = TrainingData.Houses();
        var ml = new MLContext();

        ModelTrainingResult fromRows = await _runner.TrainAndRegisterAsync(RegressionRequest(), rows);
        ModelTrainingResult fromView = await _runner.TrainAndRegisterAsync(RegressionRequest(), ml.Data.LoadFromEnumerable(rows));
        ModelTrainingResult other = await _runner.TrainAndRegisterAsync(RegressionRequest(), TrainingData.Houses(seed: 43));

        Assert.Equal(fromRows.Dataset.Digest, fromView.Dataset.Digest);
        Assert.NotEqual(fromRows.Dataset.Digest, other.Dataset.Digest);
        Assert.Equal([1, 2, 3], (await _registry.ListVersionsAsync(House)).Select(v => v.Version.Number));
    }

    [Fact]
    public async Task PromoteTo_ThenRetrainWithParentAlias_RecordsTheChampionAsParent()
    {
        ModelTrainingResult first = await _runner.TrainAndRegisterAsync(RegressionRequest() with { PromoteTo = ModelAlias.Parse("champion") }, TrainingData.Houses());
        ModelTrainingResult second = await _runner.TrainAndRegisterAsync(
            RegressionRequest() with { ParentAlias = ModelAlias.Parse("champion"), Trigger = "drift" }, TrainingData.Houses(seed: 9));

        Assert.NotNull(first.Promotion);
        Assert.Equal(first.Version.Version, first.Promotion.Version);
        Assert.Equal(first.Version.Version, (await _registry.ResolveAsync(ModelReference.ForAlias(House, ModelAlias.Parse("champion"))))?.Version);
        Assert.Equal(first.Version.Version, second.Version.Lineage?.ParentVersion);
        Assert.Equal("drift", second.Version.Lineage?.Trigger);
        Assert.Null(second.Promotion);
    }

    [Fact]
    public async Task PromotionRejectedByAGate_KeepsTheVersionRegisteredAndReportsWhy()
    {
        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(
            RegressionRequest() with { PromoteTo = ModelAlias.Parse("champion"), PromotionGates = [new MetricThresholdGate("r2", minimum: 1.5)] },
            TrainingData.Houses());

        Assert.Null(result.Promotion);
        Assert.Contains("r2", result.PromotionFailure, StringComparison.Ordinal);
        Assert.Equal(ModelVersionStatus.Ready, (await _registry.GetVersionAsync(House, result.Version.Version))?.Status);
        Assert.Null(await _registry.ResolveAsync(ModelReference.ForAlias(House, ModelAlias.Parse("champion"))));
        Assert.Equal(RunStatus.Finished, (await _tracker.GetRunAsync(result.RunId))?.Status);
    }

    [Fact]
    public async Task FitFails_MarksTheRunFailedWithTheErrorAndRegistersNothing()
    {
        var request = RegressionRequest() with { Pipeline = RegressionPipeline(label: "NoSuchColumn") };

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => _runner.TrainAndRegisterAsync(request, TrainingData.Houses()));

        TrackedRun run = Assert.Single(await _tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "house-price" }));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(ex.GetType().Name, run.Error, StringComparison.Ordinal);
        Assert.Contains("NoSuchColumn", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Datasets);
        Assert.Empty(run.Artifacts);
        Assert.Empty(run.Metrics);
        Assert.Null(await _registry.GetModelAsync(House));
        Assert.Empty(await _registry.ListVersionsAsync(House));
    }

    [Fact]
    public async Task Failure_IsLoggedAsTrainingFailedWithTheRunId()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();
        using var factory = new Microsoft.Extensions.Logging.LoggerFactory([new SingleProvider(logger)]);
        var runner = new ModelTrainingRunner(_registry, _tracker, factory);

        await Assert.ThrowsAnyAsync<Exception>(() => runner.TrainAndRegisterAsync(RegressionRequest() with { LabelColumnName = "Missing" }, TrainingData.Houses()));

        TrackedRun run = Assert.Single(await _tracker.SearchRunsAsync());
        var record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 522);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, record.Level);
        Assert.Contains(run.RunId, record.Message, StringComparison.Ordinal);
        Assert.NotNull(record.Exception);
    }

    [Fact]
    public async Task EvaluationFails_MarksTheRunFailedAndRegistersNothing()
    {
        // The pipeline trains on Price, but the evaluator is told to read a label that is not there.
        var request = RegressionRequest() with { LabelColumnName = "Missing" };

        await Assert.ThrowsAnyAsync<Exception>(() => _runner.TrainAndRegisterAsync(request, TrainingData.Houses()));

        TrackedRun run = Assert.Single(await _tracker.SearchRunsAsync());
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Missing", run.Error, StringComparison.Ordinal);
        Assert.Empty(await _registry.ListVersionsAsync(House));
    }

    [Fact]
    public async Task Cancelled_MarksTheRunKilledAndRegistersNothing()
    {
        using var cts = new CancellationTokenSource();
        var request = RegressionRequest() with { Pipeline = new CancellingEstimator(RegressionPipeline(), cts) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.TrainAndRegisterAsync(request, TrainingData.Houses(), cts.Token));

        TrackedRun run = Assert.Single(await _tracker.SearchRunsAsync());
        Assert.Equal(RunStatus.Killed, run.Status);
        Assert.Empty(await _registry.ListVersionsAsync(House));
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("train_rows")]
    public async Task ReservedParamName_ThrowsArgumentExceptionAndRecordsNothing(string name)
    {
        var request = RegressionRequest() with { Params = new Dictionary<string, string> { [name] = "1" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _runner.TrainAndRegisterAsync(request, TrainingData.Houses()));

        Assert.Equal("request", ex.ParamName);
        Assert.Empty(await _tracker.ListExperimentsAsync());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public async Task InvalidHoldOutFraction_ThrowsArgumentExceptionAndRecordsNothing(double fraction)
    {
        var request = RegressionRequest() with { HoldOutFraction = fraction };

        await Assert.ThrowsAsync<ArgumentException>(() => _runner.TrainAndRegisterAsync(request, TrainingData.Houses()));

        Assert.Empty(await _tracker.ListExperimentsAsync());
    }

    [Fact]
    public async Task ResolvedFromServices_WithRegistryAndTrackerSharingARoot_TrainsAndRegisters()
    {
        var services = new ServiceCollection();
        services.AddMLOps()
            .AddFileSystemRegistry(o =>
            {
                o.RootPath = _directory.Path;
                o.WatchForChanges = false;
            })
            .AddFileSystemTracking(o => o.RootPath = _directory.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ModelTrainingResult result = await provider.GetRequiredService<ModelTrainingRunner>().TrainAndRegisterAsync(RegressionRequest(), TrainingData.Houses());

        Assert.Equal(result.RunId, (await provider.GetRequiredService<IModelRegistry>().GetVersionAsync(House, result.Version.Version))?.Lineage?.RunId);
        Assert.True(Directory.Exists(Path.Combine(_directory.Path, "tracking")));
        Assert.True(Directory.Exists(Path.Combine(_directory.Path, "models")));
    }

    public void Dispose()
    {
        _registry.Dispose();
        _directory.Dispose();
    }

    private sealed class SingleProvider(Microsoft.Extensions.Logging.ILogger logger) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }

    /// <summary>Fits the inner pipeline, then cancels (as if the caller gave up while training ran).</summary>
    private sealed class CancellingEstimator(IEstimator<ITransformer> inner, CancellationTokenSource cts) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            ITransformer model = inner.Fit(input);
            cts.Cancel();
            return model;
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }
}
