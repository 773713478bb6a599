using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Rollouts.Support;
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
        await using ServiceProvider provider = HostedRolloutLoop.Build(dir, time, s => s.Replace(ServiceDescriptor.Singleton<ILeaderElection>(leadership)));
        var registry = provider.GetRequiredService<IModelRegistry>();
        var house = HostedRolloutLoop.House;
        await HostedRolloutLoop.StartCanaryAsync(registry, TimeSpan.FromSeconds(2));
        RolloutAnalysisService service = HostedRolloutLoop.Service(provider);
        var monitor = provider.GetRequiredService<IRolloutMonitor>();

        await service.StartAsync(CancellationToken.None);
        try
        {
            for (int i = 0; i < 10; i++)
            {
                await HostedRolloutLoop.PassAsync(service, time);
            }

            Assert.Null(monitor.GetStatus(house));   // ten passes as a follower: not even a window opened
            Assert.Equal([RolloutAction.Started], (await registry.GetActiveRolloutAsync(house))!.Decisions.Select(d => d.Action));

            leadership.IsLeader = true;
            for (int i = 0; i < 100 && (await registry.GetActiveRolloutAsync(house))!.Decisions.Count == 1; i++)
            {
                await HostedRolloutLoop.PassAsync(service, time);
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
