using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Benchmarks.Serving;

public sealed class TripInput
{
    public float Distance { get; set; }

    public float Passengers { get; set; }

    public float Hour { get; set; }

    public float Duration { get; set; }
}

public sealed class TripPrediction
{
    [ColumnName("Score")]
    public float Duration { get; set; }
}

/// <summary>A small regression model (3 features, normalizer, SDCA) trained in the benchmark setup.</summary>
internal static class BenchModel
{
    public static TripInput Input { get; } = new() { Distance = 3.2f, Passengers = 2, Hour = 17 };

    public static ITransformer Train()
    {
        var random = new Random(1);
        var rows = Enumerable.Range(0, 2000).Select(_ =>
        {
            float distance = (float)(random.NextDouble() * 20);
            float hour = random.Next(24);
            return new TripInput
            {
                Distance = distance,
                Passengers = 1 + random.Next(4),
                Hour = hour,
                Duration = (distance * 120) + (hour is >= 16 and <= 19 ? 300 : 0) + (float)(random.NextDouble() * 60),
            };
        }).ToArray();
        var ml = new MLContext(seed: 1);
        return ml.Transforms.Concatenate("Features", nameof(TripInput.Distance), nameof(TripInput.Passengers), nameof(TripInput.Hour))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(TripInput.Duration), maximumNumberOfIterations: 50))
            .Fit(ml.Data.LoadFromEnumerable(rows));
    }
}
