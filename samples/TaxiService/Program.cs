using Microsoft.ML;
using MLOps;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Profiles;
using OpenTelemetry.Metrics;
using TaxiService;

// `dotnet run --project samples/TaxiService -- traffic [options]` (options: `traffic --help`) drives the running service
// with drifting trips and reports each completed trip (delayed ground truth).
if (args.Length > 0 && args[0] == "traffic")
{
    return await Traffic.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
string root = Path.GetFullPath(builder.Configuration["MLOps:Root"] ?? ".mlops");
var settings = builder.Configuration.GetSection("MLOps");
bool monitoring = settings.GetValue("Monitoring", true);   // false: serving only (the HTTP throughput benchmark)
bool retrain = monitoring && settings.GetValue("Retrain", true);   // false: drift and quality without the retrain policy (the benchmark's MONITORING=true)
var warehouse = new Warehouse(Path.Combine(root, "data", "completed-trips.jsonl"));

builder.Services.AddSingleton(warehouse);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<ProcessLimits>();
var rollouts = Rollouts.From(settings);
builder.Services.AddSingleton(rollouts);

// Management (promote, rollback, approvals, audit, retrain) is closed by default: it needs the admin token made on
// first start (.mlops/admin-token), sent as `Authorization: Bearer <token>`. The MLOps.Admin policy requires the role
// that only that token gives; a wrong bearer token, Basic credentials or none get 401.
builder.Services.AddSingleton(AdminToken.LoadOrCreate(root));
builder.Services.AddAuthentication(AdminTokenAuthenticationHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AdminTokenAuthenticationHandler>(AdminTokenAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy("MLOps.Admin", p => p.RequireAuthenticatedUser().RequireRole(AdminTokenAuthenticationHandler.AdminRole));
// Fleet mode (samples/TaxiService/fleet.sh): with MLOps:Postgres set, replicas share a PostgreSQL registry, prediction
// log and feedback; one leader (advisory lock) retrains, joins feedback into quality windows and judges the merged drift.
string? postgres = settings["Postgres"] is { Length: > 0 } cs ? cs : null;
var mlops = builder.Services.AddMLOps(o => o.ServiceName = "taxi-api");
if (postgres is null)
{
    mlops.AddFileSystemRegistry(o => o.RootPath = root);                 // embedded registry: .mlops/ next to the app
}
else
{
    mlops.AddPostgresRegistry(o => { o.ConnectionString = postgres; o.Schema = settings["PostgresSchema"] ?? PostgresRegistryOptions.DefaultSchema; })
         .AddPostgresMonitoring();
}

mlops
    .AddAlerting(a => a
        .OnDriftDetected()
        .OnQualityBelow("r2", 0.8).OnQualityBelow("r2", 0.7, AlertSeverity.Critical)
        .OnErrorRateAbove(0.05).OnRetrainFailed().OnModelLoadFailed()
        .For(settings.GetValue("AlertFor", TimeSpan.FromMinutes(2))))
    .AddModel<TaxiTrip, TripDuration>("taxi-duration", m =>
    {
        m.FromRegistry(alias: "champion");                                  // hot-swaps when the alias moves
        if (monitoring)
        {
            m.WithDriftMonitoring(d => d.WindowSize(settings.GetValue("DriftWindow", 500)))   // reference profile: stored with the version
             .WithQualityMonitoring(q => q.Regression(o => o.Seconds).Window(settings.GetValue("QualityWindow", 500)).SegmentBy(t => t.Vendor)
                 .LogInputs());   // the trip's features in the prediction log (fleet mode), for batch drift jobs
        }

        if (retrain)
        {
            m.WithRetrainPolicy(r => r
                .OnDatasetDrift()
                .OnMetricBelow("r2", 0.8, consecutiveWindows: 2)
                .Cooldown(settings.GetValue("RetrainCooldown", TimeSpan.FromSeconds(30)))   // a demo: hours in production
                .TrainWith(TaxiModel.Pipeline)
                .TrainOn(_ => warehouse)
                .EvaluateRegression("r2", labelColumn: TaxiModel.Label)
                // A better candidate meets live traffic first: a canary through MLOps:CanarySteps, promoted or rolled
                // back by the rollout analysis on error rate, latency and mean absolute error from completed trips.
                .StartRolloutWhenBetter(c => c.Canary([.. rollouts.Steps]).WithAnalysis(rollouts.Analysis).WarmUp(rollouts.WarmUp), margin: 0.01));
        }
    })
    .AddRolloutAnalysis(o => o.PollInterval = settings.GetValue("RolloutPollInterval", TimeSpan.FromSeconds(5)));
builder.Services.Configure<MLOps.Monitoring.Retraining.RetrainOptions>(o => o.StateDirectory = Path.Combine(root, "retrain"));

builder.Services.AddHealthChecks().AddMLOpsHealthChecks();
builder.Services.AddOpenTelemetry().WithMetrics(m => m
    .AddMLOpsInstrumentation()          // mlops.* (and MLOpsOptions.ServiceName as service.name)
    .AddAspNetCoreInstrumentation()     // http.server.request.duration of every endpoint: rate, errors, latency
    .AddRuntimeInstrumentation()        // dotnet.gc.*, dotnet.thread_pool.*, dotnet.exceptions …
    .AddProcessInstrumentation()        // process.cpu.time, process.memory.usage, process.thread.count …
    .AddMeter(ProcessLimits.MeterName)  // process.memory.limit, for the memory alert
    .AddPrometheusExporter());

var app = builder.Build();
app.Services.GetRequiredService<ProcessLimits>();

// First start with the embedded defaults: train a model on today's synthetic trips, register it with its reference
// profile and make it the champion. Later starts serve whatever the registry's champion is.
await FirstModel.EnsureChampionAsync(app.Services.GetRequiredService<IModelRegistry>(), warehouse);
if (app.Configuration.GetValue<bool>("Benchmark:Shadow"))
{
    await ShadowBenchmark.EnsureShadowAsync(app.Services.GetRequiredService<IModelRegistry>());   // benchmarks/http/run.sh, SHADOW=true
}

app.UseStatusCodePages();   // ProblemDetails bodies for the framework's own 4xx (unknown route, wrong method …)
app.MapMLOps();             // management behind MLOps.Admin (authentication is configured above)
app.MapMLOpsDashboard();    // http://127.0.0.1:5080/mlops/ui/ (open like the read endpoints; the audit trail needs the admin token)
app.MapMLOpsHealthChecks();
app.MapPrometheusScrapingEndpoint();
app.MapGet("/", () => Results.Redirect("/mlops/models"));

// The app's own business endpoint: a trip finished. It reports the ground truth of the prediction that was made for it
// and, when that is accepted, records the trip for future training (CompletedTrips says why only then).
if (monitoring)
{
    app.MapPost("/trips/completed", CompletedTrips.HandleAsync);

    // The rollback demo (admin only): registers a deliberately biased model and starts a canary for it; the rollout
    // analysis rolls it back on its mean absolute error while the champion keeps serving.
    app.MapPost("/admin/bad-candidate", BadCandidate.StartAsync).RequireAuthorization("MLOps.Admin");
}

if (app.Configuration.GetValue<bool>("Benchmark:BaselineEndpoint"))
{
    // The hand-written comparison for benchmarks/http/run.sh: the champion's model file, one PredictionEngine per
    // thread, ASP.NET Core's own JSON binding, no MLOps in the path.
    var registry = app.Services.GetRequiredService<IModelRegistry>();
    var champion = await registry.ResolveAsync(ModelReference.Parse("taxi-duration@champion"));
    var ml = new MLContext();
    ITransformer baseline = ml.Model.Load(new MemoryStream(await registry.ReadArtifactAsync(champion!.Name, champion.Version)), out _);
    var engines = new ThreadLocal<PredictionEngine<TaxiTrip, TripDuration>>(
        () => ml.Model.CreatePredictionEngine<TaxiTrip, TripDuration>(baseline, new PredictionEngineOptions { OwnsTransformer = false }));
    app.MapPost("/baseline/predict", (TaxiTrip trip) => Results.Json(engines.Value!.Predict(trip)));
}

app.Run();
return 0;
