using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Monitoring.Tests.Retraining;

public sealed class Trip
{
    public float Distance { get; set; }

    public float Hour { get; set; }

    [ColumnName("Label")]
    [MLOps.Monitoring.Profiles.DriftFeature(MLOps.Monitoring.Profiles.FeatureRole.Ignore)]
    public float Duration { get; set; }
}

public sealed class TripEstimate
{
    [ColumnName("Score")]
    public float Score { get; set; }
}

/// <summary>Two trip distributions: A (free-flowing city) and B (longer trips, congestion doubles the minutes per km).</summary>
internal static class TripData
{
    public static List<Trip> A(int count, int seed) => Generate(count, seed, minKm: 1, maxKm: 10, minutesPerKm: 2, baseMinutes: 5);

    public static List<Trip> B(int count, int seed) => Generate(count, seed, minKm: 5, maxKm: 20, minutesPerKm: 4, baseMinutes: 20);

    public static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(Trip.Distance), nameof(Trip.Hour))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Label", maximumNumberOfIterations: 50));

    public static ITransformer Train(IEnumerable<Trip> trips, int seed = 1)
    {
        var ml = new MLContext(seed);
        return Pipeline(ml).Fit(ml.Data.LoadFromEnumerable(trips));
    }

    public static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<Trip>()).Schema, stream);
        return stream.ToArray();
    }

    private static List<Trip> Generate(int count, int seed, float minKm, float maxKm, float minutesPerKm, float baseMinutes)
    {
        var random = new Random(seed);
        var trips = new List<Trip>(count);
        for (int i = 0; i < count; i++)
        {
            float km = minKm + (float)random.NextDouble() * (maxKm - minKm);
            float hour = random.Next(0, 24);
            float noise = (float)(random.NextDouble() - 0.5) * 2;
            trips.Add(new Trip { Distance = km, Hour = hour, Duration = baseMinutes + minutesPerKm * km + noise });
        }

        return trips;
    }
}
