using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Rollouts.Support;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>The registration: validated options, one loop, the served models analysed on the fake clock.</summary>
public sealed class AddRolloutAnalysisTests
{
    [Fact]
    public async Task HostStart_InvalidOptions_FailsListingEveryError()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        using var dir = new TempDirectory();
        builder.Services.AddMLOps().AddFileSystemRegistry(o => o.RootPath = dir.Path).AddRolloutAnalysis(o =>
        {
            o.PollInterval = TimeSpan.Zero;
            o.MinLabelledPredictions = 0;
            o.SampleRatioMismatchPValue = 1;
        });
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("PollInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void AddRolloutAnalysis_WithoutARegistry_SaysWhatIsMissing()
    {
        using ServiceProvider provider = Services.Build(b => b.AddRolloutAnalysis());

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IRolloutMonitor>());

        Assert.Contains("AddFileSystemRegistry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRolloutAnalysis_CalledTwice_RegistersOneLoop()
    {
        using var dir = new TempDirectory();
        using ServiceProvider provider = Services.Build(b => b.AddFileSystemRegistry(o => o.RootPath = dir.Path).AddRolloutAnalysis().AddRolloutAnalysis());

        Assert.Single(provider.GetServices<IHostedService>().OfType<RolloutAnalysisService>());
    }

    [Fact]
    public async Task HostedLoop_ServedModelWithAnActiveRollout_IsAnalysedOnTheFakeClock()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await using ServiceProvider provider = HostedRolloutLoop.Build(dir, time);
        var registry = provider.GetRequiredService<IModelRegistry>();
        var house = HostedRolloutLoop.House;
        await HostedRolloutLoop.StartCanaryAsync(registry, TimeSpan.FromSeconds(30));
        RolloutAnalysisService service = HostedRolloutLoop.Service(provider);
        var monitor = provider.GetRequiredService<IRolloutMonitor>();

        await service.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => monitor.GetStatus(house) is not null, "the first pass opened the window");
            for (int i = 0; i < 100 && monitor.GetStatus(house)!.LastDecision is null; i++)
            {
                await HostedRolloutLoop.PassAsync(service, time);
            }

            RolloutStatus status = monitor.GetStatus(house)!;
            Assert.Equal(RolloutAction.Held, status.LastDecision!.Action);
            Assert.Equal("waiting for data: fewer than 5 predictions on the candidate arm", status.Summary);
            Assert.Equal(RolloutAction.Held, (await registry.GetActiveRolloutAsync(house))!.Decisions[^1].Action);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
