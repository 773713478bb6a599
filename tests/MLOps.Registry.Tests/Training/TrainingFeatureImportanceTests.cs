using Microsoft.ML;
using MLOps.Core.Tests.Explanations;

namespace MLOps.Registry.Tests.Training;

/// <summary>Permutation feature importance computed by the training runner (ML.NET's PFI on the hold-out) and stored with the version.</summary>
public sealed class TrainingFeatureImportanceTests : IDisposable
{
    private static readonly ModelName Signal = ModelName.Parse("signal");

    private readonly TempDirectory _directory = new();
    private readonly FileSystemModelRegistry _registry;
    private readonly ModelTrainingRunner _runner;

    public TrainingFeatureImportanceTests()
    {
        _registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });
        _runner = new ModelTrainingRunner(_registry, new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = _directory.Path }));
    }

    public void Dispose()
    {
        _registry.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Regression_WithPermutations_StoresImportanceWhereTheSignalDominates()
    {
        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(Signal, ExplanationModels.Linear(new MLContext(1)), ModelTrainingTask.Regression) { FeatureImportancePermutationCount = 3, Seed = 4 },
            ExplanationModels.Rows(500, seed: 9));

        IReadOnlyList<FeatureImportance> importance = (await _registry.GetVersionAsync(Signal, result.Version.Version))!.FeatureImportance;
        Assert.Equal(["Signal", "Weak", "Noise"], importance.Select(i => i.Feature));
        Assert.All(importance, i => Assert.Equal("r2", i.Metric));
        Assert.True(importance[0].Mean > 1);
        Assert.InRange(importance[2].Mean, -0.01, 0.01);
        Assert.Equal(importance, result.Version.FeatureImportance);
    }

    [Fact]
    public async Task Binary_WithPermutations_MeasuresAccuracy()
    {
        var ml = new MLContext(1);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(BinaryRow.Signal), nameof(BinaryRow.Noise))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 50));
        var random = new Random(2);
        BinaryRow[] rows = [.. Enumerable.Range(0, 400).Select(_ =>
        {
            float signal = (float)random.NextDouble() * 10;
            return new BinaryRow { Signal = signal, Noise = (float)random.NextDouble(), Label = signal > 5 };
        })];

        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(Signal, pipeline, ModelTrainingTask.BinaryClassification) { FeatureImportancePermutationCount = 2 }, rows);

        Assert.Equal("Signal", result.Version.FeatureImportance[0].Feature);
        Assert.Equal("accuracy", result.Version.FeatureImportance[0].Metric);
        Assert.True(result.Version.FeatureImportance[0].Mean > 0.2);
    }

    [Fact]
    public async Task WithoutPermutations_StoresNone()
    {
        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(Signal, ExplanationModels.Linear(new MLContext(1)), ModelTrainingTask.Regression), ExplanationModels.Rows(100, seed: 9));

        Assert.Empty(result.Version.FeatureImportance);
    }

    [Fact]
    public async Task AModelMLNetCannotExplain_RegistersWithoutImportance()
    {
        var ml = new MLContext(1);
        IEstimator<ITransformer> pipeline = ExplanationModels.Linear(ml).Append(ml.Transforms.CopyColumns("ScoreCopy", "Score"));

        ModelTrainingResult result = await _runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(Signal, pipeline, ModelTrainingTask.Regression) { FeatureImportancePermutationCount = 2 }, ExplanationModels.Rows(100, seed: 9));

        Assert.Equal(ModelVersionStatus.Ready, result.Version.Status);
        Assert.Empty(result.Version.FeatureImportance);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task PermutationCountOutOfRange_IsRefused(int count)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(Signal, ExplanationModels.Linear(new MLContext(1)), ModelTrainingTask.Regression) { FeatureImportancePermutationCount = count },
            ExplanationModels.Rows(10, seed: 9)));
        Assert.Empty(await _registry.ListVersionsAsync(Signal));
    }

    public sealed class BinaryRow
    {
        public float Signal { get; set; }

        public float Noise { get; set; }

        public bool Label { get; set; }
    }
}
