using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// Three replicas as real OS processes on the real PostgreSQL (<see cref="FleetWorker"/>): one leads, the leader is
/// killed with SIGKILL, another takes over within the documented bound, and no two ever lead at once; the fleet view
/// lists all three, then expires the killed one.
/// </summary>
public sealed class MultiProcessFleetTests
{
    /// <summary>
    /// How many documented bounds (the retry interval) a takeover may take on this busy machine before the test fails:
    /// generous, since the bound is a property of the design and the machine is shared.
    /// </summary>
    internal const int SafetyFactor = 30;

    [Fact]
    public async Task ThreeReplicas_LeaderKilled_AnotherTakesOverWithinTheBoundAndNeverTwoLead()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using ServiceProvider observer = Observer(schema);
        IFleetView fleet = observer.GetRequiredService<IFleetView>();
        var workers = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                workers.Add(WorkerProcess.Start(FleetWorker.Command, schema.Name));
            }

            await Eventually.HoldsAsync(
                async () =>
                {
                    var pids = (await fleet.GetReplicasAsync()).Select(r => r.ProcessId).ToHashSet();
                    return workers.All(w => pids.Contains(w.Id));
                },
                "all three replicas in the fleet view",
                timeoutSeconds: 180);
            await Eventually.HoldsAsync(() => workers.Count(IsLeaderNow) == 1, "one leader", timeoutSeconds: 120);
            WorkerProcess leader = workers.Single(IsLeaderNow);

            long killedAt = DateTime.UtcNow.Ticks;
            leader.Kill();
            await leader.WaitForExitAsync();

            WorkerProcess[] survivors = [.. workers.Where(w => w != leader)];
            await Eventually.HoldsAsync(() => survivors.Count(IsLeaderNow) == 1, "a survivor takes over", timeoutSeconds: 120);
            WorkerProcess next = survivors.Single(IsLeaderNow);
            long tookOverAt = Transitions(next).Last(t => t.Leader).Ticks;

            // Only once the old leader was being killed (its session ends with it), and within the documented bound.
            Assert.True(tookOverAt > killedAt, "the new leader took over before the old one was killed");
            TimeSpan failover = TimeSpan.FromTicks(tookOverAt - killedAt);
            Assert.True(
                failover < FleetWorker.RetryInterval * SafetyFactor,
                $"failover took {failover}, more than {SafetyFactor} × the documented bound ({FleetWorker.RetryInterval})");

            AssertNeverTwoLeaders(workers, leader, killedAt);

            await Eventually.HoldsAsync(
                async () =>
                {
                    IReadOnlyList<FleetReplica> replicas = await fleet.GetReplicasAsync();
                    return replicas.All(r => r.ProcessId != leader.Id)
                        && survivors.All(s => replicas.Any(r => r.ProcessId == s.Id))
                        && replicas.Where(r => r.IsLeader).Select(r => r.ProcessId).SequenceEqual([next.Id]);
                },
                "the killed replica expires from the fleet view and the new leader is shown",
                timeoutSeconds: 120);
            AssertNeverTwoLeaders(workers, leader, killedAt);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    /// <summary>The leadership intervals of different replicas never overlap (the killed one's ends when it was killed).</summary>
    internal static void AssertNeverTwoLeaders(List<WorkerProcess> workers, WorkerProcess killed, long killedAt)
    {
        var intervals = new List<(int Pid, long From, long To)>();
        foreach (WorkerProcess worker in workers)
        {
            long? from = null;
            foreach (var (leader, ticks) in Transitions(worker))
            {
                if (leader)
                {
                    from = ticks;
                }
                else if (from is { } start)
                {
                    intervals.Add((worker.Id, start, ticks));
                    from = null;
                }
            }

            if (from is { } open)
            {
                intervals.Add((worker.Id, open, worker == killed ? killedAt : long.MaxValue));
            }
        }

        foreach (var a in intervals)
        {
            foreach (var b in intervals.Where(b => b.Pid != a.Pid))
            {
                Assert.False(
                    a.From < b.To && b.From < a.To,
                    $"replicas {a.Pid} and {b.Pid} led at the same time: [{a.From}, {a.To}) and [{b.From}, {b.To})");
            }
        }
    }

    internal static bool IsLeaderNow(WorkerProcess worker) => Transitions(worker) is [.., (true, _)];

    internal static List<(bool Leader, long Ticks)> Transitions(WorkerProcess worker) =>
        [.. worker.OutputLines
            .Where(l => l.StartsWith("leader ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (p[1] == "true", long.Parse(p[2], CultureInfo.InvariantCulture)))];

    /// <summary>The fleet view as an application reads it, from a process that neither leads nor beats.</summary>
    private static ServiceProvider Observer(TestSchema schema)
    {
        var services = new ServiceCollection();
        services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = schema.ConnectionString;
                o.Schema = schema.Name;
            })
            .AddPostgresFleet(o =>
            {
                o.LeaderElection = false;
                o.Heartbeats = false;
                o.HeartbeatInterval = FleetWorker.HeartbeatInterval;
            });
        return services.BuildServiceProvider();
    }
}
