using Microsoft.ML;

namespace TaxiService;

/// <summary>The trip-duration model: one-hot categoricals + FastTree regression on the trip features.</summary>
public static class TaxiModel
{
    public const string Label = nameof(TaxiTrip.DurationSeconds);

    /// <summary>The (unfitted) pipeline, used for the first model and by the retrain policy.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding([new("VendorOneHot", nameof(TaxiTrip.Vendor)), new("PaymentOneHot", nameof(TaxiTrip.Payment))])
            .Append(ml.Transforms.Concatenate(
                "Features",
                nameof(TaxiTrip.DistanceKm), nameof(TaxiTrip.Hour), nameof(TaxiTrip.DayOfWeek), nameof(TaxiTrip.Passengers), "VendorOneHot", "PaymentOneHot"))
            .Append(ml.Regression.Trainers.FastTree(labelColumnName: Label, numberOfLeaves: 20, numberOfTrees: 100));
}
