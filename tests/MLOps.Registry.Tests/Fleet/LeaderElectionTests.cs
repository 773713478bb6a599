using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Fleet;

/// <summary>The retry and step-down logic of <see cref="PostgresLeaderElection"/>, on fake time and a scripted lock.</summary>
public sealed class LeaderElectionTests
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Follower_LockTaken_TriesAgainAfterHalfToAllOfTheRetryInterval()
    {
        var (election, server, time) = Create(random: 0);   // jitter 0: the shortest wait, half the interval
        await election.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => server.Attempts == 1 && time.Timers == 1, "the first attempt and its wait");
            Assert.False(election.IsLeader);

            time.Advance(TimeSpan.FromSeconds(2.4));
            Assert.Equal(1, server.Attempts);   // the wait (2.5 s) is not over: no second attempt

            server.Acquire = true;
            time.Advance(TimeSpan.FromSeconds(0.1));
            await Eventually.HoldsAsync(() => election.IsLeader, "leadership on the second attempt");
            Assert.Equal(2, server.Attempts);
            Assert.Equal(1, server.Connections);   // one dedicated connection for all attempts
        }
        finally
        {
            await election.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Follower_RetryWait_NeverLongerThanTheRetryInterval()
    {
        var (election, server, time) = Create(random: 0.999999);
        await election.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => server.Attempts == 1 && time.Timers == 1, "the first attempt and its wait");
            server.Acquire = true;
            time.Advance(PostgresFleetOptions.DefaultRetryInterval);   // the documented failover bound
            await Eventually.HoldsAsync(() => election.IsLeader, "leadership within one retry interval");
        }
        finally
        {
            await election.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Leader_KeepAliveFails_StepsDownBeforeReleasingThenCompetesAgain()
    {
        var (election, server, time) = Create(random: 0);
        server.Acquire = true;
        var transitions = new System.Collections.Concurrent.ConcurrentQueue<bool>();
        using IDisposable subscription = election.Subscribe(transitions.Enqueue);
        await election.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => election.IsLeader && time.Timers == 1, "leadership and the keep-alive wait");
            time.Advance(PostgresFleetOptions.DefaultKeepAliveInterval);
            await Eventually.HoldsAsync(() => server.KeepAlives == 1 && time.Timers == 2, "a successful keep-alive");
            Assert.True(election.IsLeader);

            server.Broken = true;
            time.Advance(PostgresFleetOptions.DefaultKeepAliveInterval);
            await Eventually.HoldsAsync(() => !election.IsLeader && server.Closed == 1, "the step-down after the failed keep-alive");
            Assert.Equal([false], server.LeaderWhenReleased);   // not leader any more when the lock was released
            Assert.Equal([true, false], transitions);

            // Reconnects after the registry's reconnect delay (jitter 0: half of it) and takes the lock again.
            server.Broken = false;
            await Eventually.HoldsAsync(() => time.Timers == 3, "the reconnect wait");
            time.Advance(ReconnectDelay / 2);
            await Eventually.HoldsAsync(() => election.IsLeader, "leadership after reconnecting");
            Assert.Equal(2, server.Connections);
            Assert.Equal(2, election.Elections);
            Assert.Equal([true, false, true], transitions);
        }
        finally
        {
            await election.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stop_Leader_StepsDownBeforeReleasing()
    {
        var (election, server, _) = Create(random: 0);
        server.Acquire = true;
        await election.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => election.IsLeader, "leadership");

        await election.StopAsync(CancellationToken.None);

        Assert.False(election.IsLeader);
        Assert.Equal([false], server.LeaderWhenReleased);
        Assert.Equal(1, server.Closed);
    }

    [Fact]
    public async Task DatabaseUnreachable_NotLeader_LeadsOnceItIsBack()
    {
        var (election, server, time) = Create(random: 0);
        server.Acquire = true;
        server.RefuseConnections = true;
        await election.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => time.Timers == 1, "the reconnect wait");
            Assert.False(election.IsLeader);

            server.RefuseConnections = false;
            time.Advance(ReconnectDelay / 2);
            await Eventually.HoldsAsync(() => election.IsLeader, "leadership once the database is back");
        }
        finally
        {
            await election.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task LeaderElectionOff_AlwaysLeader_NeverConnects()
    {
        var (election, server, _) = Create(random: 0, enabled: false);
        await election.StartAsync(CancellationToken.None);
        await election.StopAsync(CancellationToken.None);

        Assert.True(election.IsLeader);
        Assert.Equal(0, server.Connections);
    }

    private static (PostgresLeaderElection Election, FakeLeaderLockServer Server, CountingTimeProvider Time) Create(double random, bool enabled = true)
    {
        var server = new FakeLeaderLockServer();
        var time = new CountingTimeProvider();
        var election = new PostgresLeaderElection(
            server.ConnectAsync,
            new PostgresFleetOptions { LeaderElection = enabled },
            ReconnectDelay,
            "test.leader",
            time,
            NullLogger.Instance,
            () => random);
        server.Election = election;
        return (election, server, time);
    }

    /// <summary>A fake clock that counts the timers created on it, so a test advances time only once the loop waits.</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once the timer is armed: a test that sees the count and advances time must find the timer
            // already due at "now + dueTime"; counting first let the test advance before the timer was armed,
            // and the wait then started after the advance and never ended (a CI failure under load).
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }
}
