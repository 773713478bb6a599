using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Benchmarks.Serving;

public sealed class TripInput
{
    public string Vendor { get; set; } = "CMT";

    public string Payment { get; set; } = "card";

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

/// <summary>The model a benchmark serves.</summary>
public enum ModelSize
{
    /// <summary>3 numeric features, min-max normalizer, linear SDCA: about the cheapest ML.NET model there is (worst case for overhead).</summary>
    Tiny,

    /// <summary>The sample's shape: 2 one-hot categoricals + 3 numeric features, FastTree with 100 trees of 20 leaves.</summary>
    Taxi,
}

/// <summary>Small regression models trained in the benchmark setup.</summary>
internal static class BenchModel
{
    public static TripInput Input { get; } = new() { Distance = 3.2f, Passengers = 2, Hour = 17, Vendor = "VTS", Payment = "cash" };

    public static ITransformer Train(ModelSize size)
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
                Vendor = random.Next(2) == 0 ? "CMT" : "VTS",
                Payment = random.Next(3) == 0 ? "cash" : "card",
                Duration = (distance * 120) + (hour is >= 16 and <= 19 ? 300 : 0) + (float)(random.NextDouble() * 60),
            };
        }).ToArray();
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        if (size == ModelSize.Taxi)
        {
            return ml.Transforms.Categorical.OneHotEncoding([new("VendorOneHot", nameof(TripInput.Vendor)), new("PaymentOneHot", nameof(TripInput.Payment))])
                .Append(ml.Transforms.Concatenate("Features", nameof(TripInput.Distance), nameof(TripInput.Passengers), nameof(TripInput.Hour), "VendorOneHot", "PaymentOneHot"))
                .Append(ml.Regression.Trainers.FastTree(labelColumnName: nameof(TripInput.Duration), numberOfLeaves: 20, numberOfTrees: 100))
                .Fit(data);
        }

        return ml.Transforms.Concatenate("Features", nameof(TripInput.Distance), nameof(TripInput.Passengers), nameof(TripInput.Hour))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(TripInput.Duration), maximumNumberOfIterations: 50))
            .Fit(data);
    }
}
