using Microsoft.ML;

namespace TaxiService;

/// <summary>Trains the trip-duration model (one-hot categoricals + FastTree regression) and saves it.</summary>
public static class TaxiModel
{
    public static (ITransformer Model, double RSquared, double Rmse) Train(IReadOnlyList<CompletedTrip> trips, int seed = 1)
    {
        var ml = new MLContext(seed);
        IDataView data = ml.Data.LoadFromEnumerable(trips);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: seed);
        var pipeline = ml.Transforms.Categorical.OneHotEncoding([new("VendorOneHot", nameof(TaxiTrip.Vendor)), new("PaymentOneHot", nameof(TaxiTrip.Payment))])
            .Append(ml.Transforms.Concatenate(
                "Features",
                nameof(TaxiTrip.DistanceKm), nameof(TaxiTrip.Hour), nameof(TaxiTrip.DayOfWeek), nameof(TaxiTrip.Passengers), "VendorOneHot", "PaymentOneHot"))
            .Append(ml.Regression.Trainers.FastTree(labelColumnName: nameof(CompletedTrip.DurationSeconds), numberOfLeaves: 20, numberOfTrees: 100));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(CompletedTrip.DurationSeconds));
        return (model, metrics.RSquared, metrics.RootMeanSquaredError);
    }

    public static void Save(ITransformer model, string path)
    {
        var ml = new MLContext();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        {
            ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<TaxiTrip>()).Schema, stream);
        }

        File.Move(temp, path, overwrite: true);
    }
}
