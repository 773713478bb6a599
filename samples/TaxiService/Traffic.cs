using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaxiService;

/// <summary>Sends trips to the service at a fixed rate while the city drifts from today (0) to the future (1).</summary>
internal static class Traffic
{
    public static async Task<int> RunAsync(string[] args)
    {
        string url = Option(args, "--url") ?? "http://127.0.0.1:5080";
        int requests = int.Parse(Option(args, "--requests") ?? "20000", CultureInfo.InvariantCulture);
        int rate = int.Parse(Option(args, "--rate") ?? "200", CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var generator = new TripGenerator(seed: 2);
        var clock = Stopwatch.StartNew();
        double absoluteError = 0;
        int ok = 0, failed = 0;

        for (int i = 0; i < requests; i++)
        {
            double drift = (double)i / requests;
            CompletedTrip trip = generator.Next(drift);
            try
            {
                using var response = await http.PostAsJsonAsync("/mlops/models/taxi-duration/predict", (TaxiTrip)trip);
                if (response.IsSuccessStatusCode)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    absoluteError += Math.Abs(body.RootElement.GetProperty("output").GetProperty("seconds").GetSingle() - trip.DurationSeconds);
                    ok++;
                }
                else
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
                Console.WriteLine($"{i + 1,6} trips, drift {drift:F2}: mean absolute error {absoluteError / Math.Max(1, ok):F0} s, {failed} failed");
                absoluteError = 0;
                ok = 0;
            }

            TimeSpan due = TimeSpan.FromSeconds((i + 1) / (double)rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
