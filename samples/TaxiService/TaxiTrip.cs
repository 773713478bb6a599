using System.ComponentModel.DataAnnotations;
using Microsoft.ML.Data;

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
}

/// <summary>A completed trip: the features plus the observed duration (the label).</summary>
public sealed class CompletedTrip : TaxiTrip
{
    /// <summary>Observed trip duration in seconds.</summary>
    public float DurationSeconds { get; set; }
}

/// <summary>The model's answer.</summary>
public sealed class TripDuration
{
    /// <summary>Predicted trip duration in seconds.</summary>
    [ColumnName("Score")]
    public float Seconds { get; set; }
}
