using System.ComponentModel.DataAnnotations;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Registry.Tests.Support;

public sealed class HouseInput
{
    [Required]
    public float Size { get; set; }

    [Required]
    public float Rooms { get; set; }

    /// <summary>The label: present for training, optional when predicting over HTTP (no [Required]).</summary>
    public float Price { get; set; }
}

public sealed class HousePrediction
{
    [ColumnName("Score")]
    public float Score { get; set; }
}

/// <summary>Small, deterministic ML.NET regression models trained on synthetic data (slope differs per model).</summary>
public static class TestModels
{
    private static readonly Lazy<ITransformer[]> Models = new(() => Enumerable.Range(0, 4).Select(k => Train(slope: 10 + (k * 25))).ToArray());

    public static MLContext Context { get; } = new(seed: 7);

    public static IReadOnlyList<ITransformer> Distinct => Models.Value;

    public static HouseInput[] Inputs { get; } =
    [
        new() { Size = 50, Rooms = 2 },
        new() { Size = 120, Rooms = 4 },
        new() { Size = 80, Rooms = 3 },
    ];

    public static ITransformer Train(float slope, int rows = 200)
    {
        var random = new Random(42);
        var data = new HouseInput[rows];
        for (int i = 0; i < rows; i++)
        {
            float size = 20 + (float)(random.NextDouble() * 180);
            float rooms = 1 + random.Next(6);
            data[i] = new HouseInput { Size = size, Rooms = rooms, Price = (slope * size) + (500 * rooms) + (float)(random.NextDouble() * 100) };
        }

        var ml = new MLContext(seed: 7);
        IDataView view = ml.Data.LoadFromEnumerable(data);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20));
        return pipeline.Fit(view);
    }

    public static string SaveToFile(ITransformer model, string path)
    {
        var ml = new MLContext();
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema;
        using var stream = File.Create(path);
        ml.Model.Save(model, schema, stream);
        return path;
    }

    public static byte[] Serialize(ITransformer model)
    {
        var ml = new MLContext();
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema;
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    /// <summary>What a raw PredictionEngine of <paramref name="model"/> predicts for <paramref name="input"/>.</summary>
    public static float RawScore(ITransformer model, HouseInput input)
    {
        using var engine = new MLContext().Model.CreatePredictionEngine<HouseInput, HousePrediction>(model);
        return engine.Predict(input).Score;
    }
}
