using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Monitoring.Tests.Quality.Support;

public sealed class HouseInput
{
    public float Size { get; set; }

    public float Rooms { get; set; }

    public float Price { get; set; }

    public string? Region { get; set; }
}

public sealed class HousePrediction
{
    [ColumnName("Score")]
    public float Score { get; set; }
}

public sealed class ChurnInput
{
    public float Usage { get; set; }

    public bool Label { get; set; }
}

public sealed class ChurnPrediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}

/// <summary>Tiny deterministic ML.NET models (copied in spirit from MLOps.Core.Tests' TestModels).</summary>
public static class QualityTestModels
{
    private static readonly Lazy<ITransformer> HouseModel = new(TrainHouse);
    private static readonly Lazy<ITransformer> ChurnModel = new(TrainChurn);

    public static ITransformer House => HouseModel.Value;

    public static ITransformer Churn => ChurnModel.Value;

    public static HouseInput[] HouseInputs(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new HouseInput
        {
            Size = 20 + (float)(random.NextDouble() * 180),
            Rooms = 1 + random.Next(6),
            Region = i % 2 == 0 ? "north" : "south",
        }).ToArray();
    }

    public static ChurnInput[] ChurnInputs(int count, int seed = 2)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new ChurnInput { Usage = (float)(random.NextDouble() * 10) }).ToArray();
    }

    public static ITransformer TrainHouse()
    {
        var random = new Random(42);
        var data = new HouseInput[200];
        for (int i = 0; i < data.Length; i++)
        {
            float size = 20 + (float)(random.NextDouble() * 180);
            float rooms = 1 + random.Next(6);
            data[i] = new HouseInput { Size = size, Rooms = rooms, Price = (0.3f * size) + (5 * rooms) + (float)random.NextDouble() };
        }

        var ml = new MLContext(seed: 7);
        IDataView view = ml.Data.LoadFromEnumerable(data);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), l2Regularization: 0.01f, maximumNumberOfIterations: 50));
        return pipeline.Fit(view);
    }

    public static ITransformer TrainChurn()
    {
        var random = new Random(43);
        var data = new ChurnInput[300];
        for (int i = 0; i < data.Length; i++)
        {
            float usage = (float)(random.NextDouble() * 10);
            data[i] = new ChurnInput { Usage = usage, Label = usage + ((random.NextDouble() - 0.5) * 4) > 5 };
        }

        var ml = new MLContext(seed: 7);
        IDataView view = ml.Data.LoadFromEnumerable(data);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(ChurnInput.Usage))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(ChurnInput.Label), maximumNumberOfIterations: 20));
        return pipeline.Fit(view);
    }
}
