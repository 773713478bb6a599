using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.ML;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Explanations;

public class PredictWithExplanationTests
{
    private static readonly SignalRow Input = new() { Signal = 9, Weak = 5, Noise = 5 };

    [Theory]
    [InlineData("linear")]
    [InlineData("tree")]
    public async Task PredictWithExplanation_MLNetModel_SignalContributesMostAndPredictionIsTheDefaultOne(string kind)
    {
        ITransformer model = ExplanationModels.Train(kind == "linear" ? ExplanationModels.Linear : Tree);
        await using var provider = Services.Build(b => b.AddModel<SignalRow, SignalScore>("signal", m => m.FromTransformer(model)));
        var client = provider.GetRequiredService<IModelClient<SignalRow, SignalScore>>();

        ExplainedPrediction<SignalScore> explained = client.PredictWithExplanation(Input);

        Assert.Equal(client.Predict(Input).Value.Score, explained.Prediction.Value.Score);
        Assert.Equal(new ModelVersion(1), explained.Prediction.ModelVersion);
        Assert.Equal(3, explained.Contributions.Count);
        Assert.Equal(["Noise", "Signal", "Weak"], explained.Contributions.Select(c => c.Feature).Order(StringComparer.Ordinal));
        Assert.Equal("Signal", explained.Contributions[0].Feature);
        Assert.True(explained.Contributions[0].Contribution > 0);
        Assert.True(Math.Abs(explained.Contributions.Single(c => c.Feature == "Noise").Contribution) < Math.Abs(explained.Contributions[0].Contribution) / 10);
    }

    [Fact]
    public async Task PredictWithExplanation_ManyThreads_SameContributionsAsOneThread()
    {
        ITransformer model = ExplanationModels.Train(ExplanationModels.Linear);
        await using var provider = Services.Build(b => b.AddModel<SignalRow, SignalScore>("signal", m => m.FromTransformer(model)));
        var client = provider.GetRequiredService<IModelClient<SignalRow, SignalScore>>();
        SignalRow[] rows = Enumerable.Range(0, 64).Select(i => new SignalRow { Signal = i % 10, Weak = (i * 7) % 5, Noise = (i * 3) % 4 }).ToArray();
        (string, double)[][] expected = rows.Select(r => client.PredictWithExplanation(r).Contributions.Select(c => (c.Feature, c.Contribution)).ToArray()).ToArray();

        var actual = new (string, double)[rows.Length][];
        Parallel.For(0, rows.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int row = i % rows.Length;
            (string, double)[] contributions = client.PredictWithExplanation(rows[row]).Contributions.Select(c => (c.Feature, c.Contribution)).ToArray();
            Assert.Equal(expected[row], contributions);   // pooled engines: no call sees another call's row
            actual[row] = contributions;
        });

        Assert.All(actual, Assert.NotNull);
    }

    [Fact]
    public async Task PredictWithExplanation_CountsAsOnePrediction()
    {
        ITransformer model = ExplanationModels.Train(ExplanationModels.Linear);
        await using var provider = Services.Build(b => b.AddModel<SignalRow, SignalScore>("signal", m => m.FromTransformer(model)));
        using var collector = new MetricCollector<double>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        var client = provider.GetRequiredService<IModelClient<SignalRow, SignalScore>>();

        client.PredictWithExplanation(Input);

        Assert.Single(collector.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task PredictWithExplanation_ModelWithoutContributions_ThrowsNotSupportedAndPredictsNothing()
    {
        var source = new TestModelSource(_ => new LoadedModel(new DoubleSignalModel(), new ModelVersion(4), "custom"));
        await using var provider = Services.Build(b => b.AddModel<SignalRow, SignalScore>("signal", m => m.FromSource(_ => source)));
        await Services.StartAsync(provider);
        using var collector = new MetricCollector<double>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        var client = provider.GetRequiredService<IModelClient<SignalRow, SignalScore>>();

        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => client.PredictWithExplanation(Input));

        Assert.Contains("test-double", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Version 4", ex.Message, StringComparison.Ordinal);
        Assert.Empty(collector.GetMeasurementSnapshot());
        Assert.Equal(18, client.Predict(Input).Value.Score);
    }

    [Fact]
    public void PredictWithExplanation_ForeignClient_ThrowsNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => new ForeignClient().PredictWithExplanation(Input));
        Assert.Throws<ArgumentNullException>(() => ((IModelClient<SignalRow, SignalScore>)null!).PredictWithExplanation(Input));
    }

#pragma warning disable CA1859 // the theory picks one of two pipelines through the same signature
    private static IEstimator<ITransformer> Tree(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(SignalRow.Signal), nameof(SignalRow.Weak), nameof(SignalRow.Noise))
            .Append(ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 20, minimumExampleCountPerLeaf: 5));
#pragma warning restore CA1859

    private sealed class ForeignClient : IModelClient<SignalRow, SignalScore>
    {
        public ModelName ModelName => ModelName.Parse("foreign");

        public Prediction<SignalScore> Predict(SignalRow input) => throw new InvalidOperationException();

        public Prediction<SignalScore>[] PredictBatch(IReadOnlyList<SignalRow> inputs) => throw new InvalidOperationException();
    }
}
