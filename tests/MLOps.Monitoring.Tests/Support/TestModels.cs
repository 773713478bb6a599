using Microsoft.ML;
using Microsoft.ML.Data;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Tests.Support;

public sealed class HouseInput
{
    public float Size { get; set; }

    public float Rooms { get; set; }

    public string? District { get; set; }

    /// <summary>The label: not a drift feature.</summary>
    [DriftFeature(FeatureRole.Ignore)]
    public float Price { get; set; }
}

public sealed class HousePrediction
{
    [ColumnName("Score")]
    public float Score { get; set; }
}

/// <summary>A tiny deterministic ML.NET regression model (copied in spirit from the Core tests).</summary>
public static class TestModels
{
    private static readonly Lazy<ITransformer> Model = new(Train);

    public static ITransformer House => Model.Value;

    public static readonly string[] Districts = ["north", "south", "east", "west"];

    /// <summary>Houses with size ~ N(100 + shift, 20·scale), rooms 1..6, districts from <see cref="Districts"/>.</summary>
    public static HouseInput[] Houses(int count, int seed, double sizeShift = 0, double sizeScale = 1, string? newDistrict = null)
    {
        var random = new Random(seed);
        var rows = new HouseInput[count];
        for (int i = 0; i < count; i++)
        {
            float size = (float)(100 + sizeShift + (Gaussian(random) * 20 * sizeScale));
            float rooms = 1 + random.Next(6);
            string district = newDistrict is not null && random.NextDouble() < 0.5 ? newDistrict : Districts[random.Next(Districts.Length)];
            rows[i] = new HouseInput { Size = size, Rooms = rooms, District = district, Price = (30 * size) + (500 * rooms) };
        }

        return rows;
    }

    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

#pragma warning disable CA1859
    private static ITransformer Train()
    {
        var ml = new MLContext(seed: 7);
        IDataView view = ml.Data.LoadFromEnumerable(Houses(300, seed: 1));
        var pipeline = ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20));
        return pipeline.Fit(view);
    }
#pragma warning restore CA1859
}
