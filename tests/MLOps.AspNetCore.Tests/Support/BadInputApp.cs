using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Support;

/// <summary>
/// One app on real Kestrel with every MLOps endpoint mapped (predict, feedback, quality, registry reads, management,
/// retrain), shared by the bad-input tables. It records every request that ended in a 5xx or an exception on the
/// server side, including those whose answer never reached the client.
/// </summary>
public sealed class BadInputApp : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-badinput-" + Guid.NewGuid().ToString("N"));

    public TestApp App { get; private set; } = null!;

    public Uri Address => App.Address!;

    /// <summary>Requests that ended in a server error: "METHOD path: status or exception".</summary>
    public ConcurrentQueue<string> ServerErrors { get; } = new();

    public async Task InitializeAsync()
    {
        await SeedAsync(_root);
        var rows = Enumerable.Range(0, 50).Select(i => new HouseInput { Size = 20 + i, Rooms = 1 + (i % 5), Price = 1000 + (60 * i) }).ToList();
        App = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m
                .FromRegistry(alias: "champion")
                .WithQualityMonitoring(q => q.Regression(o => o.Score))
                .WithRetrainPolicy(r => r
                    .TrainWith(ml => ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
                        .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 5)))
                    .TrainOn(_ => new Rows(rows))
                    .EvaluateRegression("r2", labelColumn: nameof(HouseInput.Price)))),
            endpoints: o => o.AllowUnauthenticatedManagement = true,
            services: s => s.Configure<MLOps.Monitoring.Retraining.RetrainOptions>(o => o.StateDirectory = Path.Combine(_root, "retrain")),
            app: web => web.Use(async (HttpContext context, RequestDelegate next) =>
            {
                string what = $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
                try
                {
                    await next(context);
                }
                catch (Exception ex)
                {
                    ServerErrors.Enqueue($"{what}: {ex.GetType().Name}: {ex.Message}");
                    throw;
                }

                if (context.Response.StatusCode >= 500)
                {
                    ServerErrors.Enqueue($"{what}: HTTP {context.Response.StatusCode}");
                }
            }),
            kestrel: true);
        await Eventually.ValueAsync(async () =>
        {
            var model = await App.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house");
            return model.GetProperty("version").ValueKind == JsonValueKind.Number ? true : (bool?)null;
        }, "the champion served");
        PredictionId = await PredictAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A prediction made when the app started, for the feedback rows of the tables.</summary>
    public string PredictionId { get; private set; } = null!;

    /// <summary>Makes a prediction and returns its id.</summary>
    public async Task<string> PredictAsync()
    {
        using var response = await App.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 100, rooms = 3 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictionId").GetString()!;
    }

    /// <summary>Asserts that no request so far ended in a server error, and forgets them.</summary>
    public void AssertNoServerErrors()
    {
        var errors = new List<string>();
        while (ServerErrors.TryDequeue(out string? error))
        {
            errors.Add(error);
        }

        Assert.True(errors.Count == 0, "Server errors:\n" + string.Join("\n", errors));
    }

    private static async Task SeedAsync(string root)
    {
        // Two versions of "house"; v1 is champion.
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        for (int i = 0; i < 2; i++)
        {
            var ml = new MLContext(0);
            using var stream = new MemoryStream();
            ml.Model.Save(TestModels.Distinct[i], ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
            var v = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(stream.ToArray())]));
            if (i == 0)
            {
                await registry.PromoteAsync(new PromoteRequest(name, v.Version, ModelAlias.Champion) { Reason = "first" });
            }
        }
    }

    private sealed class Rows(List<HouseInput> rows) : MLOps.Monitoring.Retraining.ITrainingDataSource<HouseInput>
    {
        public ValueTask<IReadOnlyList<HouseInput>> LoadAsync(MLOps.Monitoring.Retraining.RetrainTrigger trigger, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<HouseInput>>(rows);
    }
}
