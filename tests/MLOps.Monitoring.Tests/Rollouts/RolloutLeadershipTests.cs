using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>In a fleet only the leader analyses: a follower's loop passes without reading or deciding anything.</summary>
public sealed class RolloutLeadershipTests
{
    [Fact]
    public async Task HostedLoop_OnAFollower_DecidesNothing_UntilItLeads()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var leadership = new SwitchableLeadership();
        await using ServiceProvider provider = Services.Build(
            b => b.AddFileSystemRegistry(o => o.RootPath = dir.Path)
                .AddRolloutAnalysis(o => o.PollInterval = TimeSpan.FromSeconds(1))
                .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House)),
            s => s.AddSingleton<TimeProvider>(time).Replace(ServiceDescriptor.Singleton<ILeaderElection>(leadership)));
        var registry = provider.GetRequiredService<IModelRegistry>();
        var house = ModelName.Parse("house");
        for (int i = 1; i <= 2; i++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(house, [ModelArtifact.FromBytes(new byte[] { 7, (byte)i })]));
        }

        await registry.PromoteAsync(new PromoteRequest(house, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
        await registry.StartRolloutAsync(new StartRolloutRequest(house, new ModelVersion(2), RolloutStrategy.Canary)
        {
            Steps = [10, 50],
            Analysis = new RolloutAnalysis { Interval = TimeSpan.FromSeconds(2), MinSampleSize = 5 },
        });
        var service = provider.GetServices<IHostedService>().OfType<RolloutAnalysisService>().Single();
        var monitor = provider.GetRequiredService<IRolloutMonitor>();

        await service.StartAsync(CancellationToken.None);
        try
        {
            for (int i = 0; i < 10; i++)
            {
                long passes = service.Passes;
                time.Advance(TimeSpan.FromSeconds(1));
                await Eventually.HoldsAsync(() => service.Passes > passes, "one more pass");
            }

            Assert.Null(monitor.GetStatus(house));   // ten passes as a follower: not even a window opened
            Assert.Equal([RolloutAction.Started], (await registry.GetActiveRolloutAsync(house))!.Decisions.Select(d => d.Action));

            leadership.IsLeader = true;
            for (int i = 0; i < 100 && (await registry.GetActiveRolloutAsync(house))!.Decisions.Count == 1; i++)
            {
                long passes = service.Passes;
                time.Advance(TimeSpan.FromSeconds(1));
                await Eventually.HoldsAsync(() => service.Passes > passes, "one more pass");
            }

            Assert.Equal(RolloutAction.Held, (await registry.GetActiveRolloutAsync(house))!.Decisions[^1].Action);   // the leader decides
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private sealed class SwitchableLeadership : ILeaderElection
    {
        private volatile bool _isLeader;

        public bool IsLeader
        {
            get => _isLeader;
            set => _isLeader = value;
        }

        public IDisposable Subscribe(Action<bool> handler) => throw new NotSupportedException("the analysis loop reads IsLeader per pass");
    }
}
