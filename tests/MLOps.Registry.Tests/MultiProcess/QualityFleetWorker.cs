using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// A replica serving one quality-monitored model in fleet mode (<c>registry-worker quality &lt;schema&gt; &lt;model file&gt;
/// &lt;clock offset seconds&gt;</c>): the PostgreSQL registry (leader election), prediction log, feedback store and quality
/// queue on the test server, with a clock skewed by the offset. It reads commands from stdin, one per line, and answers
/// on stdout: <c>predict &lt;n&gt; &lt;size&gt; &lt;rooms&gt;</c> → <c>predicted &lt;n&gt; &lt;id&gt; &lt;score&gt;</c>;
/// <c>feedback &lt;n&gt; &lt;id&gt; &lt;actual&gt;</c> → <c>feedback &lt;n&gt; &lt;outcome&gt;</c>; <c>report &lt;n&gt;</c> →
/// <c>report &lt;n&gt; &lt;joined&gt; &lt;pairs in open windows&gt;</c>. It serves the MLOps endpoints (<c>MapMLOps</c>) on
/// a loopback port and prints <c>http &lt;address&gt;</c>, then <c>replica &lt;id&gt;</c> once started,
/// <c>leader true|false &lt;UTC ticks&gt;</c> at each leadership change and <c>window &lt;count&gt; &lt;skipped&gt; &lt;late&gt;
/// &lt;metric&gt;=&lt;value&gt;…</c> for each quality window it publishes.
/// </summary>
public static class QualityFleetWorker
{
    public const string Command = "quality";
    public const string Model = "house";
    public const int WindowSize = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { MaxPoolSize = 8 };
        TimeSpan offset = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture));
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);   // stderr: the test shows it on failure
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(new SkewedClock(offset));
        builder.Services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = connection.ConnectionString;
                o.Schema = args[0];
            })
            .AddPostgresFleet(o =>
            {
                o.RetryInterval = FleetWorker.RetryInterval;
                o.HeartbeatInterval = FleetWorker.HeartbeatInterval;
            })
            .AddPostgresMonitoring()
            .AddModel<HouseInput, HousePrediction>(Model, m => m
                .FromFile(args[1], watchForChanges: false)
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(WindowSize)));
        await using WebApplication host = builder.Build();
        host.MapMLOps();
        var print = new Lock();
        void Print(string line)
        {
            lock (print)
            {
                Console.WriteLine(line);
            }
        }

        using IDisposable leadership = host.Services.GetRequiredService<ILeaderElection>().Subscribe(leader =>
            Print(string.Create(CultureInfo.InvariantCulture, $"leader {(leader ? "true" : "false")} {DateTime.UtcNow.Ticks}")));
        IModelQualityMonitor monitor = host.Services.GetRequiredService<IModelQualityMonitor>();
        using IDisposable windows = monitor.Subscribe(window => Print(Describe(window)));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = host.Services.GetRequiredService<IFeedbackSink>();
        Print("http " + host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        Print("replica " + host.Services.GetRequiredService<IFleetView>().ReplicaId);

        while (await Console.In.ReadLineAsync() is { } line)
        {
            string[] parts = line.Split(' ');
            switch (parts[0])
            {
                case "predict":
                    Prediction<HousePrediction> prediction = client.Predict(new HouseInput
                    {
                        Size = float.Parse(parts[2], CultureInfo.InvariantCulture),
                        Rooms = float.Parse(parts[3], CultureInfo.InvariantCulture),
                    });
                    Print(string.Create(CultureInfo.InvariantCulture, $"predicted {parts[1]} {prediction.PredictionId} {(double)prediction.Value.Score:R}"));
                    break;
                case "feedback":
                    // Concurrently, so that a feedback waiting for an unflushed prediction does not hold the others.
                    string n = parts[1];
                    var id = PredictionId.Parse(parts[2]);
                    double actual = double.Parse(parts[3], CultureInfo.InvariantCulture);
                    _ = Task.Run(async () =>
                    {
                        FeedbackResult result = await sink.RecordAsync(id, GroundTruth.FromNumber(actual));
                        Print($"feedback {n} {result.Outcome}");
                    });
                    break;
                case "report":
                    ModelQualityReport report = monitor.GetLatest(ModelName.Parse(Model))!;
                    Print(string.Create(CultureInfo.InvariantCulture, $"report {parts[1]} {report.JoinedFeedback} {report.Current.Sum(w => w.Count)}"));
                    break;
            }
        }

        await host.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>A window as one line: count, skipped, late, then each metric with its exact (round-trip) value.</summary>
    public static string Describe(QualityWindow window)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"window {window.Count} {window.Skipped} {window.LateFeedback}");
        foreach (KeyValuePair<string, double> metric in window.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            line.Append(CultureInfo.InvariantCulture, $" {metric.Key}={metric.Value:R}");
        }

        return line.ToString();
    }

    /// <summary>The system clock moved by a fixed offset (a replica whose clock is skewed).</summary>
    private sealed class SkewedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
