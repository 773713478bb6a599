using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Core.Tests.Explanations;

/// <summary>A row whose label is 3·Signal + 0.2·Weak (+ a little noise) and does not depend on Noise at all.</summary>
public sealed class SignalRow
{
    public float Signal { get; set; }

    public float Weak { get; set; }

    public float Noise { get; set; }

    public float Label { get; set; }
}

public sealed class SignalScore
{
    [ColumnName("Score")]
    public float Score { get; set; }
}

public static class ExplanationModels
{
    public static SignalRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new SignalRow[count];
        for (int i = 0; i < count; i++)
        {
            float signal = (float)random.NextDouble() * 10;
            float weak = (float)random.NextDouble() * 10;
            rows[i] = new SignalRow
            {
                Signal = signal,
                Weak = weak,
                Noise = (float)random.NextDouble() * 10,
                Label = (3 * signal) + (0.2f * weak) + ((float)random.NextDouble() * 0.1f),
            };
        }

        return rows;
    }

    public static IEstimator<ITransformer> Linear(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(SignalRow.Signal), nameof(SignalRow.Weak), nameof(SignalRow.Noise))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 100));

    public static ITransformer Train(Func<MLContext, IEstimator<ITransformer>> pipeline)
    {
        var ml = new MLContext(seed: 1);
        return pipeline(ml).Fit(ml.Data.LoadFromEnumerable(Rows(400, seed: 3)));
    }
}

/// <summary>A model outside ML.NET (a custom runtime): predicts 2·Signal and ignores everything else.</summary>
public sealed class DoubleSignalModel : InferenceModel
{
    public override string Format => "test-double";

    public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>() =>
        typeof(TIn) == typeof(SignalRow) && typeof(TOut) == typeof(SignalScore)
            ? (ModelPredictor<TIn, TOut>)(object)new Predictor()
            : throw new InvalidOperationException("SignalRow → SignalScore only.");

    private sealed class Predictor : ModelPredictor<SignalRow, SignalScore>
    {
        public override SignalScore Predict(SignalRow input) => new() { Score = 2 * input.Signal };
    }
}
