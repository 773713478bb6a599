namespace MLOps.Core.Tests.Explanations;

public class PermutationFeatureImportanceTests
{
    private static readonly FeatureImportanceOptions Options = new() { LabelColumn = nameof(SignalRow.Label), PermutationCount = 4, Seed = 11 };

    [Fact]
    public void Compute_MLNetLinearModel_SignalDominatesAndUnusedFeatureIsNearZero()
    {
        using var loaded = new LoadedModelScope(ExplanationModels.Train(ExplanationModels.Linear));

        IReadOnlyList<FeatureImportance> importance = PermutationFeatureImportance.Compute<SignalRow, SignalScore>(
            loaded.Model, ExplanationModels.Rows(300, seed: 5), Options);

        Assert.Equal(["Signal", "Weak", "Noise"], importance.Select(i => i.Feature));
        Assert.All(importance, i => Assert.Equal("r2", i.Metric));
        Assert.InRange(importance[0].Mean, 1.0, 3.0);                 // shuffling the signal destroys the fit (r2 drops below 0)
        Assert.InRange(importance[2].Mean, -0.01, 0.01);              // the label does not depend on Noise
        Assert.True(importance[1].Mean > importance[2].Mean);
        Assert.All(importance, i => Assert.True(i.StdDev >= 0 && double.IsFinite(i.StdDev)));
    }

    [Fact]
    public void Compute_CustomRuntime_IgnoredFeaturesHaveExactlyZeroImportance()
    {
        using var model = new DoubleSignalModel();

        IReadOnlyList<FeatureImportance> importance = PermutationFeatureImportance.Compute<SignalRow, SignalScore>(
            model, ExplanationModels.Rows(200, seed: 5), Options);

        Assert.Equal("Signal", importance[0].Feature);
        Assert.True(importance[0].Mean > 0.5);
        Assert.All(importance.Skip(1), i => Assert.Equal(0, i.Mean));
        Assert.All(importance.Skip(1), i => Assert.Equal(0, i.StdDev));
    }

    [Fact]
    public void Compute_SameSeed_SameResult_AndRowsAreNotChanged()
    {
        using var model = new DoubleSignalModel();
        SignalRow[] rows = ExplanationModels.Rows(100, seed: 5);
        float[] before = [.. rows.Select(r => r.Signal)];

        IReadOnlyList<FeatureImportance> first = PermutationFeatureImportance.Compute<SignalRow, SignalScore>(model, rows, Options);
        IReadOnlyList<FeatureImportance> second = PermutationFeatureImportance.Compute<SignalRow, SignalScore>(model, rows, Options);

        Assert.Equal(first, second);
        Assert.Equal(before, rows.Select(r => r.Signal));
    }

    [Fact]
    public void Compute_Features_MeasuresOnlyThose()
    {
        using var model = new DoubleSignalModel();

        IReadOnlyList<FeatureImportance> importance = PermutationFeatureImportance.Compute<SignalRow, SignalScore>(
            model, ExplanationModels.Rows(50, seed: 5), new FeatureImportanceOptions { LabelColumn = "Label", Features = ["Noise"] });

        Assert.Equal("Noise", Assert.Single(importance).Feature);
    }

    public static TheoryData<string, FeatureImportanceOptions> InvalidOptions => new()
    {
        { "unknown label", new FeatureImportanceOptions { LabelColumn = "Price" } },
        { "unknown prediction", new FeatureImportanceOptions { LabelColumn = "Label", PredictionColumn = "Nope" } },
        { "unknown metric", new FeatureImportanceOptions { LabelColumn = "Label", Metric = "mape" } },
        { "no permutation", new FeatureImportanceOptions { LabelColumn = "Label", PermutationCount = 0 } },
        { "too many permutations", new FeatureImportanceOptions { LabelColumn = "Label", PermutationCount = 101 } },
        { "unknown feature", new FeatureImportanceOptions { LabelColumn = "Label", Features = ["Nope"] } },
        { "label as feature", new FeatureImportanceOptions { LabelColumn = "Label", Features = ["Label"] } },
        { "no feature", new FeatureImportanceOptions { LabelColumn = "Label", Features = [] } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Compute_InvalidOptions_ThrowsArgumentException(string why, FeatureImportanceOptions options)
    {
        _ = why;
        using var model = new DoubleSignalModel();

        Assert.Throws<ArgumentException>(() => PermutationFeatureImportance.Compute<SignalRow, SignalScore>(model, ExplanationModels.Rows(10, seed: 1), options));
    }

    [Fact]
    public void Compute_OneRowOrConstantLabel_Throws()
    {
        using var model = new DoubleSignalModel();
        SignalRow[] constant = [new() { Signal = 1, Label = 2 }, new() { Signal = 2, Label = 2 }];

        Assert.Throws<ArgumentException>(() => PermutationFeatureImportance.Compute<SignalRow, SignalScore>(model, ExplanationModels.Rows(1, seed: 1), Options));
        Assert.Throws<InvalidOperationException>(() => PermutationFeatureImportance.Compute<SignalRow, SignalScore>(model, constant, Options));
    }

    /// <summary>An ML.NET transformer as the runtime-neutral <see cref="InferenceModel"/> the serving pipeline uses.</summary>
    private sealed class LoadedModelScope(Microsoft.ML.ITransformer transformer) : IDisposable
    {
        public InferenceModel Model { get; } = new LoadedModel(transformer, new ModelVersion(1), "test").Model;

        public void Dispose() => Model.Dispose();
    }
}
