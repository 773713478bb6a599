using MLOps.Core.Tests.Support;
using Microsoft.ML.Data;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Training;

public sealed class PointInput
{
    public float X { get; set; }

    public float Y { get; set; }

    public bool Label { get; set; }
}

public sealed class FlowerInput
{
    public float Length { get; set; }

    public float Width { get; set; }

    public string Species { get; set; } = "";
}

public sealed class BinaryOutput
{
    [ColumnName("PredictedLabel")]
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }
}

/// <summary>Small synthetic, deterministic data sets.</summary>
public static class TrainingData
{
    public static HouseInput[] Houses(int rows = 200, int seed = 42)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows).Select(_ =>
        {
            float size = 20 + (float)(random.NextDouble() * 180);
            float rooms = 1 + random.Next(6);
            return new HouseInput { Size = size, Rooms = rooms, Price = (30 * size) + (500 * rooms) + (float)(random.NextDouble() * 100) };
        })];
    }

    /// <summary>Two well-separated clusters: label = x + y &gt; 0, with a margin.</summary>
    public static PointInput[] Points(int rows = 300, int seed = 3)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows).Select(i =>
        {
            bool label = i % 2 == 0;
            float centre = label ? 2f : -2f;
            return new PointInput { X = centre + (float)(random.NextDouble() - 0.5), Y = centre + (float)(random.NextDouble() - 0.5), Label = label };
        })];
    }

    public static FlowerInput[] Flowers(int rows = 300, int seed = 5)
    {
        var random = new Random(seed);
        string[] species = ["setosa", "versicolor", "virginica"];
        return [.. Enumerable.Range(0, rows).Select(i =>
        {
            int k = i % 3;
            return new FlowerInput { Length = (k * 3) + (float)random.NextDouble(), Width = (k * 2) + (float)random.NextDouble(), Species = species[k] };
        })];
    }
}
