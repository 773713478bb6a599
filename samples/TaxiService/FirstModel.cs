using System.Text;
using Microsoft.ML;
using MLOps;
using MLOps.Monitoring.Profiles;

namespace TaxiService;

/// <summary>Trains, registers and promotes the first model when the registry has no champion yet.</summary>
internal static class FirstModel
{
    public static async Task EnsureChampionAsync(IModelRegistry registry, Warehouse warehouse)
    {
        var name = ModelName.Parse("taxi-duration");
        if (await registry.ResolveAsync(ModelReference.ForAlias(name, ModelAlias.Champion)) is not null)
        {
            return;
        }

        Console.WriteLine("No champion in the registry: training the first model on 20,000 synthetic trips…");
        List<TaxiTrip> trips = new TripGenerator(seed: 1).Take(20_000);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(trips);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        ITransformer model = TaxiModel.Pipeline(ml).Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: TaxiModel.Label);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);

        var profile = ReferenceProfile.Create(trips);
        var version = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(zip.ToArray())])
        {
            Description = "First model, trained on synthetic trips of today's city.",
            Metrics = new Dictionary<string, double> { ["r2"] = metrics.RSquared, ["rmse"] = metrics.RootMeanSquaredError, ["mae"] = metrics.MeanAbsoluteError },
            Lineage = new ModelLineage { DatasetName = "synthetic-trips-drift-0", DatasetRowCount = trips.Count, Trigger = "first-start" },
            Signature = ModelSignature.FromSchema(data.Schema, model.GetOutputSchema(data.Schema)),
            ReferenceProfile = new ReferenceProfileBlob("application/json", Encoding.UTF8.GetBytes(profile.ToJson())),
            Actor = "taxi-sample",
        });
        await registry.PromoteAsync(new PromoteRequest(name, version.Version, ModelAlias.Champion) { Reason = "first model", Actor = "taxi-sample" });
        foreach (var trip in trips.TakeLast(Warehouse.TrainingRows))
        {
            await warehouse.AppendAsync(trip, CancellationToken.None);
        }

        Console.WriteLine($"Registered taxi-duration v{version.Version} (R² = {metrics.RSquared:F3}, RMSE = {metrics.RootMeanSquaredError:F0} s) and promoted it to champion.");
    }
}
