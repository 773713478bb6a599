namespace TaxiService;

/// <summary>
/// Synthetic but realistic city taxi trips (no dataset can be downloaded here). Distances are log-normal, rush hours
/// slow traffic down, cash trips are a bit longer to finish. <paramref name="drift"/> (0–1) moves the city towards
/// longer airport runs, more late-night trips, cash going out of use and slower traffic (a concept change the old model
/// does not know).
/// </summary>
public sealed class TripGenerator(int seed)
{
    private readonly Random _random = new(seed);

    public TaxiTrip Next(double drift = 0)
    {
        drift = Math.Clamp(drift, 0, 1);
        bool airport = _random.NextDouble() < 0.05 + (0.35 * drift);
        double distance = airport ? 18 + (_random.NextDouble() * 12) : Math.Exp(Normal(1.0, 0.6));
        int hour = _random.NextDouble() < 0.25 * drift ? _random.Next(0, 5) : _random.Next(6, 24);
        int day = _random.Next(0, 7);
        int passengers = 1 + (int)Math.Min(5, Math.Abs(Normal(0, 1.2)));
        string vendor = _random.NextDouble() < 0.55 ? "CMT" : "VTS";
        string payment = _random.NextDouble() < 0.35 * (1 - drift) ? "cash" : "card";

        bool rush = day < 5 && (hour is >= 7 and <= 9 or >= 16 and <= 19);
        double minutesPerKm = (rush ? 3.2 : 2.1) * (1 + (0.6 * drift)) + (hour < 5 ? -0.6 : 0);
        double seconds = 90 + (distance * minutesPerKm * 60) + (payment == "cash" ? 45 : 0) + Normal(0, 40);
        return new TaxiTrip
        {
            DistanceKm = (float)Math.Round(distance, 2),
            Hour = hour,
            DayOfWeek = day,
            Passengers = passengers,
            Vendor = vendor,
            Payment = payment,
            DurationSeconds = (float)Math.Max(60, seconds),
        };
    }

    public List<TaxiTrip> Take(int count, double drift = 0)
    {
        var trips = new List<TaxiTrip>(count);
        for (int i = 0; i < count; i++)
        {
            trips.Add(Next(drift));
        }

        return trips;
    }

    private double Normal(double mean, double sd)
    {
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return mean + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
