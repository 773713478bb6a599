using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Rollouts.Support;

/// <summary>
/// The hosted analysis loop over a served model "house" and a file-system registry, on a fake clock: versions 1
/// (champion) and 2, and a 10 % → 50 % canary of version 2.
/// </summary>
public static class HostedRolloutLoop
{
    public static readonly ModelName House = ModelName.Parse("house");

    public static ServiceProvider Build(TempDirectory dir, FakeTimeProvider time, Action<IServiceCollection>? more = null) => Services.Build(
        b => b.AddFileSystemRegistry(o => o.RootPath = dir.Path)
            .AddRolloutAnalysis(o => o.PollInterval = TimeSpan.FromSeconds(1))
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House)),
        s =>
        {
            s.AddSingleton<TimeProvider>(time);
            more?.Invoke(s);
        });

    public static async Task StartCanaryAsync(IModelRegistry registry, TimeSpan interval)
    {
        for (int i = 1; i <= 2; i++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(new byte[] { 7, (byte)i })]));
        }

        await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
        await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Canary)
        {
            Steps = [10, 50],
            Analysis = new RolloutAnalysis { Interval = interval, MinSampleSize = 5 },
        });
    }

    internal static RolloutAnalysisService Service(IServiceProvider provider) =>
        provider.GetServices<IHostedService>().OfType<RolloutAnalysisService>().Single();

    /// <summary>Moves the clock by the poll interval and waits until the loop has finished one more pass.</summary>
    internal static async Task PassAsync(RolloutAnalysisService service, FakeTimeProvider time)
    {
        long passes = service.Passes;
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => service.Passes > passes, "one more pass");
    }
}
