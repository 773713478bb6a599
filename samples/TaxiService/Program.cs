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

if (app.Configuration.GetValue<bool>("Benchmark:BaselineEndpoint"))
{
    // The hand-written comparison for benchmarks/http/run.sh: the same model file, one PredictionEngine per thread,
    // ASP.NET Core's own JSON binding, no MLOps in the path.
    var ml = new MLContext();
    ITransformer baseline = ml.Model.Load(modelPath, out _);
    var engines = new ThreadLocal<PredictionEngine<TaxiTrip, TripDuration>>(
        () => ml.Model.CreatePredictionEngine<TaxiTrip, TripDuration>(baseline, new PredictionEngineOptions { OwnsTransformer = false }));
    app.MapPost("/baseline/predict", (TaxiTrip trip) => Results.Json(engines.Value!.Predict(trip)));
}
app.Run();
return 0;
