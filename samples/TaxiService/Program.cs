using Microsoft.ML;
using OpenTelemetry.Metrics;
using TaxiService;

// `dotnet run --project samples/TaxiService -- traffic [--url http://127.0.0.1:5080] [--requests 20000] [--rate 200]`
// drives the running service with gradually drifting trips.
if (args.Length > 0 && args[0] == "traffic")
{
    return await Traffic.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
string root = builder.Configuration["MLOps:Root"] ?? ".mlops";
string modelPath = Path.GetFullPath(Path.Combine(root, "models", "taxi-duration.zip"));

// First start with the embedded defaults: train a model on synthetic trips.
if (!File.Exists(modelPath))
{
    Console.WriteLine($"No model at {modelPath}: training one on 20,000 synthetic trips…");
    var (model, r2, rmse) = TaxiModel.Train(new TripGenerator(seed: 1).Take(20_000));
    TaxiModel.Save(model, modelPath);
    Console.WriteLine($"Trained: R² = {r2:F3}, RMSE = {rmse:F0} s.");
}

builder.Services.AddMLOps(o => o.ServiceName = "taxi-api")
    .AddModel<TaxiTrip, TripDuration>("taxi-duration", m => m.FromFile(modelPath));

builder.Services.AddHealthChecks().AddMLOpsHealthChecks();
builder.Services.AddOpenTelemetry().WithMetrics(m => m
    .AddMLOpsInstrumentation()
    .AddPrometheusExporter());

var app = builder.Build();
app.MapMLOps();
app.MapMLOpsHealthChecks();
app.MapPrometheusScrapingEndpoint();
app.MapGet("/", () => Results.Redirect("/mlops/models"));
app.Run();
return 0;
