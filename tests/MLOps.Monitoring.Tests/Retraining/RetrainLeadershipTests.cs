using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Tests.Retraining;

/// <summary>The retrain loop of a fleet: only the leader (<see cref="ILeaderElection"/>) handles triggers.</summary>
public sealed class RetrainLeadershipTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly ModelName Taxi = ModelName.Parse("taxi");

    [Fact]
    public async Task Trigger_OnAFollower_IsDroppedAndCountedThenHandledOnceItLeads()
    {
        using var dir = new TempDirectory();
        var leadership = new SwitchableLeadership { IsLeader = false };
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create());
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), leadership, retrainer);

        loop.Service.ReportDatasetDrift(Taxi, drifted: true, Start.AddMinutes(1));
        loop.Service.RequestRetrain(Taxi, "manual, sent to a follower");
        await loop.DecisionsAsync(2);

        Assert.Equal(["follower", "follower"], loop.DecisionValues());
        Assert.Empty(retrainer.Calls);
        Assert.Null(loop.Service.GetStatus(Taxi)!.LastRunAt);   // nothing persisted: the window is not marked handled

        leadership.IsLeader = true;
        loop.Service.ReportDatasetDrift(Taxi, drifted: true, Start.AddMinutes(1));   // the same window, now on the leader
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "one run on the leader");

        Assert.Equal(["follower", "follower", "accepted"], loop.DecisionValues());
        Assert.Equal(RetrainTriggerKind.DatasetDrift, Assert.Single(retrainer.Calls).Trigger.Kind);
    }

    [Fact]
    public async Task AddMLOps_OneProcess_IsAlwaysTheLeader()
    {
        var services = new ServiceCollection();
        services.AddMLOps();
        services.AddMLOps();   // twice: still one registration

        await using ServiceProvider provider = services.BuildServiceProvider();
        ILeaderElection leadership = provider.GetRequiredService<ILeaderElection>();
        var changes = new List<bool>();
        using IDisposable subscription = leadership.Subscribe(changes.Add);

        Assert.Single(services, d => d.ServiceType == typeof(ILeaderElection));
        Assert.True(leadership.IsLeader);
        Assert.Empty(changes);
    }

    private sealed class SwitchableLeadership : ILeaderElection
    {
        private volatile bool _isLeader;

        public bool IsLeader
        {
            get => _isLeader;
            set => _isLeader = value;
        }

        public IDisposable Subscribe(Action<bool> handler) => throw new NotSupportedException("the retrain loop reads IsLeader per trigger");
    }
}
