using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaxiService;

/// <summary>
/// Sends trips to the service at a fixed rate while the city drifts from today (0) to the future (1), and reports each
/// trip as completed (its real duration: the delayed ground truth) <c>--delay</c> requests later.
/// </summary>
internal static class Traffic
{
    public const string Help = """
        Usage: dotnet run --project samples/TaxiService -- traffic [options]

        Sends taxi trips to the running sample while the city drifts, and reports each trip as completed (its real
        duration, the delayed ground truth) some requests later. Prints the mean absolute error every 1,000 trips.

        Options:
          --url <url>[,<url>…]  the service (default http://127.0.0.1:5080); with several (a fleet's replicas), trip i
                                is predicted by replica i mod N and reported as completed to the next replica
          --requests <n>        how many trips to send (default 20000)
          --rate <n>            trips per second (default 200)
          --delay <n>           report a trip as completed this many requests after its prediction (default 50)
          --drift-from <0..1>   where the city starts: 0 today, 1 the future (default 0)
          --drift-to <0..1>     where it ends up (default 1)
          --ramp <0..1>         the share of the run over which it moves from one to the other; it then stays there
                                (default 0.5)
          --help                this text
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Help);
            return 0;
        }

        string[] urls = (Option(args, "--url") ?? "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int requests = int.Parse(Option(args, "--requests") ?? "20000", CultureInfo.InvariantCulture);
        int rate = int.Parse(Option(args, "--rate") ?? "200", CultureInfo.InvariantCulture);
        int delay = int.Parse(Option(args, "--delay") ?? "50", CultureInfo.InvariantCulture);
        double from = double.Parse(Option(args, "--drift-from") ?? "0", CultureInfo.InvariantCulture);
        double to = double.Parse(Option(args, "--drift-to") ?? "1", CultureInfo.InvariantCulture);
        double ramp = Math.Clamp(double.Parse(Option(args, "--ramp") ?? "0.5", CultureInfo.InvariantCulture), 0.001, 1);
        HttpClient[] replicas = [.. urls.Select(u => new HttpClient { BaseAddress = new Uri(u) })];
        var generator = new TripGenerator(seed: Environment.TickCount);
        var pending = new Queue<(string PredictionId, TaxiTrip Trip, HttpClient ReportTo)>();
        var clock = Stopwatch.StartNew();
        double absoluteError = 0;
        int ok = 0, failed = 0;
        var versions = new SortedSet<int>();

        for (int i = 0; i < requests; i++)
        {
            double drift = from + ((to - from) * Math.Min(1, i / (requests * ramp)));
            TaxiTrip trip = generator.Next(drift);
            try
            {
                using var response = await replicas[i % replicas.Length].PostAsJsonAsync("/mlops/models/taxi-duration/predict", Question(trip));
                if (response.IsSuccessStatusCode)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    absoluteError += Math.Abs(body.RootElement.GetProperty("output").GetProperty("seconds").GetSingle() - trip.DurationSeconds);
                    versions.Add(body.RootElement.GetProperty("modelVersion").GetInt32());
                    pending.Enqueue((body.RootElement.GetProperty("predictionId").GetString()!, trip, replicas[(i + 1) % replicas.Length]));
                    ok++;
                }
                else
                {
                    failed++;
                }

                // Trips complete a while after they were predicted: report the oldest pending one.
                if (pending.Count > delay && !await CompleteAsync(pending.Dequeue()))
                {
                    failed++;
                }
            }
            catch (HttpRequestException)
            {
                failed++;
            }

            if ((i + 1) % 1000 == 0)
            {
                Console.WriteLine($"{i + 1,6} trips, drift {drift:F2}: mean absolute error {absoluteError / Math.Max(1, ok):F0} s, versions seen {string.Join(",", versions)}, {failed} failed");
                absoluteError = 0;
                ok = 0;
                versions.Clear();
            }

            TimeSpan due = TimeSpan.FromSeconds((i + 1) / (double)rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        while (pending.Count > 0)
        {
            if (!await CompleteAsync(pending.Dequeue()))
            {
                failed++;
            }
        }

        foreach (HttpClient replica in replicas)
        {
            replica.Dispose();
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>What the rider's app sends: the trip without its (not yet known) duration.</summary>
    private static object Question(TaxiTrip t) => new { t.DistanceKm, t.Hour, t.DayOfWeek, t.Passengers, t.Vendor, t.Payment };

    private static async Task<bool> CompleteAsync((string PredictionId, TaxiTrip Trip, HttpClient ReportTo) completed)
    {
        using var response = await completed.ReportTo.PostAsJsonAsync("/trips/completed", new CompletedTripReport(completed.PredictionId, completed.Trip));
        return response.IsSuccessStatusCode;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
