using System.Text;
using Microsoft.ML;
using MLOps;
using MLOps.Monitoring.Profiles;

namespace TaxiService;

/// <summary>
/// <c>POST /admin/bad-candidate</c> (admin only): the demo of a rollback. Trains a deliberately bad model (the recent
/// completed trips with every duration 15 minutes too long, so it predicts a large bias), registers it and starts a
/// canary for it against the champion, with the same steps and analysis as a retrain's. Nothing here rolls it back:
/// the rollout analysis does, when the trips reported as completed show its mean absolute error far above the champion's.
/// </summary>
internal static class BadCandidate
{
    /// <summary>The bias the bad model learns, in seconds.</summary>
    public const float BiasSeconds = 900;

    public static async Task<IResult> StartAsync(IModelRegistry registry, Warehouse warehouse, Rollouts rollouts, CancellationToken ct)
    {
        var name = ModelName.Parse("taxi-duration");
        if (await registry.GetActiveRolloutAsync(name, ct) is { } active)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "A rollout is active",
                detail: $"taxi-duration already has an active rollout of version {active.Candidate}; wait until it ends.");
        }

        IReadOnlyList<TaxiTrip> recent = await warehouse.ReadRecentAsync(ct);
        if (recent.Count < 500)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not enough completed trips",
                detail: $"The warehouse holds {recent.Count} completed trips; the bad model needs at least 500. Run the traffic first.");
        }

        List<TaxiTrip> biased = recent.Select(t => new TaxiTrip
        {
            DistanceKm = t.DistanceKm, Hour = t.Hour, DayOfWeek = t.DayOfWeek, Passengers = t.Passengers,
            Vendor = t.Vendor, Payment = t.Payment, DurationSeconds = t.DurationSeconds + BiasSeconds,
        }).ToList();
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(biased);
        ITransformer model = TaxiModel.Pipeline(ml).Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);

        var version = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(zip.ToArray())])
        {
            Description = $"Deliberately bad: trained on durations {BiasSeconds:F0} s too long (the rollback demo).",
            Lineage = new ModelLineage { DatasetName = "completed-trips-biased", DatasetRowCount = biased.Count, Trigger = "bad-candidate-demo" },
            Signature = ModelSignature.FromSchema(data.Schema, model.GetOutputSchema(data.Schema)),
            ReferenceProfile = new ReferenceProfileBlob("application/json", Encoding.UTF8.GetBytes(ReferenceProfile.Create(recent).ToJson())),
            Actor = "taxi-sample",
        }, ct);
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(name, version.Version, RolloutStrategy.Canary)
        {
            Steps = rollouts.Steps,
            Analysis = rollouts.Analysis,
            WarmupPredictions = rollouts.WarmUp,
            Reason = "bad-candidate demo: the analysis should roll it back",
            Actor = "taxi-sample",
        }, ct);
        return Results.Json(new { candidate = version.Version.Number, rolloutId = rollout.Id, steps = rollouts.Steps });
    }
}
