using System.ComponentModel.DataAnnotations;
using Microsoft.ML.Data;
using MLOps.Monitoring.Profiles;

namespace TaxiService;

/// <summary>What the service is asked about: one taxi trip before it starts.</summary>
public class TaxiTrip
{
    /// <summary>Trip distance in kilometres.</summary>
    [Required]
    public float DistanceKm { get; set; }

    /// <summary>Hour of pick-up, 0–23.</summary>
    [Required]
    public float Hour { get; set; }

    /// <summary>Day of week, 0 (Monday) – 6.</summary>
    [Required]
    public float DayOfWeek { get; set; }

    /// <summary>Number of passengers.</summary>
    [Required]
    public float Passengers { get; set; }

    /// <summary>Taxi company: <c>CMT</c> or <c>VTS</c>.</summary>
    [Required]
    public string Vendor { get; set; } = "CMT";

    /// <summary>Payment type: <c>card</c> or <c>cash</c>.</summary>
    [Required]
    public string Payment { get; set; } = "card";

    /// <summary>
    /// The label: the observed duration in seconds, known once the trip is completed. Not required when asking for a
    /// prediction (only the [Required] fields are); the retrain loop trains on completed trips.
    /// </summary>
    [DriftFeature(FeatureRole.Ignore)]
    public float DurationSeconds { get; set; }
}

/// <summary>The model's answer.</summary>
public sealed class TripDuration
{
    /// <summary>Predicted trip duration in seconds.</summary>
    [ColumnName("Score")]
    public float Seconds { get; set; }
}
