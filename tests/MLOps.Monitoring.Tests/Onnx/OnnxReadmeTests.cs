using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Data;

namespace MLOps.Monitoring.Tests.Onnx;

/// <summary>The root README's "Serve an ONNX model" snippet, as written, over a graph with its two inputs and output.</summary>
public sealed class OnnxReadmeTests
{
    [Fact]
    public async Task ReadmeSnippet_ServeAnOnnxModel_ServesAsWritten()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fare.onnx");
        await File.WriteAllBytesAsync(path, OnnxLinearRegression.Write(["distance", "hour"], "fare", [2f, 0.1f], 3f));
        string rides = Path.Combine(dir.Path, "rides.json");
        await MLOps.Monitoring.Profiles.ReferenceProfile.Create(Enumerable.Range(0, 100).Select(i => new Ride { Distance = i % 17, Hour = i % 24 })).SaveAsync(rides);
        var builder = Host.CreateApplicationBuilder();

        builder.Services.AddMLOps()
            .AddModel<Ride, Fare>("fare", m => m.FromFile(path)
                .WithDriftMonitoring(d => d.WindowSize(1000).UseReferenceFile(rides)));

        using IHost host = builder.Build();
        await host.StartAsync();
        Prediction<Fare> prediction = host.Services.GetRequiredService<IModelClient<Ride, Fare>>().Predict(new Ride { Distance = 10, Hour = 8 });
        Assert.Equal(3f + 20f + 0.8f, prediction.Value.Amount, 1e-4f);
        await host.StopAsync();
    }

    public sealed class Ride { public float Distance { get; set; } public float Hour { get; set; } }

    public sealed class Fare { [ColumnName("fare")] public float Amount { get; set; } }
}
