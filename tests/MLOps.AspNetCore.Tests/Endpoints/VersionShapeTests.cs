using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>
/// Regression: <c>modelVersion</c> was a number in predict and versions responses but <c>{"number":1}</c> in quality and
/// retrain responses. Every response that carries a version now writes it as a plain number.
/// </summary>
public sealed class VersionShapeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-versions-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(TestModels.Distinct[0], ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        var v = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(stream.ToArray())])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = -1 },
        });
        await registry.PromoteAsync(new PromoteRequest(name, v.Version, ModelAlias.Champion) { Reason = "first" });
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryResponseWithAVersion_WritesItAsAPlainNumber()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            float size = 20 + (float)(random.NextDouble() * 180), rooms = 1 + random.Next(6);
            return new HouseInput { Size = size, Rooms = rooms, Price = (60 * size) + (500 * rooms) };
        }).ToList();
        await using var app = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m
                .FromRegistry(alias: "champion")
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(2))
                .WithRetrainPolicy(r => r
                    .TrainWith(ml => ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
                        .Append(ml.Transforms.NormalizeMinMax("Features"))
                        .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20)))
                    .TrainOn(_ => new Rows(rows))
                    .EvaluateRegression("r2", labelColumn: nameof(HouseInput.Price)))),
            endpoints: o => o.AllowUnauthenticatedManagement = true,
            services: s => s.Configure<MLOps.Monitoring.Retraining.RetrainOptions>(o => o.StateDirectory = Path.Combine(_root, "retrain")));
        await Eventually.ValueAsync(async () =>
            (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house")).GetProperty("version").ValueKind == JsonValueKind.Number ? true : (bool?)null,
            "the champion served");

        var responses = new Dictionary<string, JsonElement>();
        for (int i = 0; i < 3; i++)
        {
            using var predicted = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 100 + i, rooms = 3 });
            responses["predict"] = await predicted.Content.ReadFromJsonAsync<JsonElement>();
            string id = responses["predict"].GetProperty("predictionId").GetString()!;
            using var feedback = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 7000.0 + i });
            responses["feedback"] = await feedback.Content.ReadFromJsonAsync<JsonElement>();
        }

        using var batch = await app.Client.PostAsJsonAsync("/mlops/models/house/predict/batch", new[] { new { size = 50, rooms = 2 } });
        responses["batch"] = await batch.Content.ReadFromJsonAsync<JsonElement>();
        responses["quality"] = await Eventually.ValueAsync(async () =>
        {
            var q = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/quality");
            return q.GetProperty("closed").GetArrayLength() > 0 ? q : (JsonElement?)null;
        }, "a closed quality window");
        using var retrain = await app.Client.PostAsJsonAsync("/mlops/models/house/retrain", new { reason = "version shape" });
        Assert.Equal(HttpStatusCode.Accepted, retrain.StatusCode);
        responses["retrain (202)"] = await retrain.Content.ReadFromJsonAsync<JsonElement>();
        responses["retrain status"] = await Eventually.ValueAsync(async () =>
        {
            var s = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/retrain");
            return s.GetProperty("recentRuns").GetArrayLength() > 0 ? s : (JsonElement?)null;
        }, "the retrain run", timeoutSeconds: 120);
        foreach (string path in new[] { "/mlops/models", "/mlops/models/house", "/mlops/models/house/versions", "/mlops/models/house/aliases", "/mlops/models/house/approvals", "/mlops/models/house/audit" })
        {
            responses[path] = await app.Client.GetFromJsonAsync<JsonElement>(path);
        }

        foreach (var (what, json) in responses)
        {
            AssertVersionsArePlainNumbers(json, what);
        }

        Assert.Equal(1, responses["predict"].GetProperty("modelVersion").GetInt32());
        Assert.Equal(1, responses["feedback"].GetProperty("modelVersion").GetInt32());
        Assert.Equal(1, responses["quality"].GetProperty("closed")[0].GetProperty("modelVersion").GetInt32());
        var run = responses["retrain status"].GetProperty("recentRuns")[0];
        Assert.True(run.GetProperty("candidateVersion").GetInt32() >= 2, run.ToString());
        Assert.Equal(1, run.GetProperty("championVersion").GetInt32());
    }

    /// <summary>No <c>{"number": n}</c> object anywhere, and every property named <c>…version</c> is a number or null.</summary>
    private static void AssertVersionsArePlainNumbers(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.False(element.TryGetProperty("number", out _), $"{where}: a version written as an object: {element}");
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.EndsWith("version", StringComparison.OrdinalIgnoreCase) && !property.Name.Equals("codeVersion", StringComparison.Ordinal))
                    {
                        Assert.True(
                            property.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null,
                            $"{where}: '{property.Name}' is {property.Value.ValueKind}: {property.Value}");
                    }

                    AssertVersionsArePlainNumbers(property.Value, $"{where}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    AssertVersionsArePlainNumbers(item, $"{where}[{index++}]");
                }

                break;
        }
    }

    private sealed class Rows(List<HouseInput> rows) : MLOps.Monitoring.Retraining.ITrainingDataSource<HouseInput>
    {
        public ValueTask<IReadOnlyList<HouseInput>> LoadAsync(MLOps.Monitoring.Retraining.RetrainTrigger trigger, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<HouseInput>>(rows);
    }
}
