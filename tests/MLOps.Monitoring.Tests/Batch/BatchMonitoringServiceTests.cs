using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Batch.Internal;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Batch;

public class BatchMonitoringServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private sealed class Leadership(bool isLeader) : ILeaderElection
    {
        public bool IsLeader { get; set; } = isLeader;

        public IDisposable Subscribe(Action<bool> handler) => new CancellationTokenSource();
    }

    private sealed class RecordingReader : IPredictionLogReader
    {
        public List<(ModelName Model, DateTimeOffset From, DateTimeOffset To)> Reads { get; } = [];

        public async IAsyncEnumerable<LoggedPrediction> ReadAsync(ModelName model, DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            lock (Reads)
            {
                Reads.Add((model, from, to));
            }

            await Task.CompletedTask;
            yield break;
        }
    }

    private static ServiceProvider Build(FakeTimeProvider time, RecordingReader reader, Leadership leadership, Action<BatchMonitoringBuilder> schedules) =>
        Support.Services.Build(b => b.AddBatchMonitoring(schedules), s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddSingleton<IPredictionLogReader>(reader);
            s.Replace(ServiceDescriptor.Singleton<ILeaderElection>(leadership));
        });

    private static BatchMonitoringService Service(IServiceProvider services) =>
        services.GetServices<IHostedService>().OfType<BatchMonitoringService>().Single();

    [Fact]
    public async Task Schedule_IntervalOnTheLeader_RunsAtEachDueTimeOverTheRangeEndingThereAndPublishes()
    {
        var time = new FakeTimeProvider(Start.AddMinutes(10));
        var reader = new RecordingReader();
        await using ServiceProvider services = Build(time, reader, new Leadership(true), b => b.Schedule("loan", TimeSpan.FromHours(1), range: TimeSpan.FromHours(2)));
        IBatchMonitor monitor = services.GetRequiredService<IBatchMonitor>();
        var reports = new List<BatchMonitoringReport>();
        using IDisposable subscription = monitor.Subscribe(r => { lock (reports) { reports.Add(r); } });
        BatchMonitoringService service = Service(services);
        await service.StartAsync(CancellationToken.None);

        await Eventually.HoldsAsync(() =>
        {
            time.Advance(TimeSpan.FromMinutes(5));   // the loop sleeps at most a minute at a time, whenever it started waiting
            lock (reports)
            {
                return reports.Count >= 2;
            }
        }, "two scheduled jobs");
        await service.StopAsync(CancellationToken.None);

        Assert.Equal((Start.AddHours(-1), Start.AddHours(1)), (reports[0].From, reports[0].To));
        // Later due times are whole hours; one the loop reached late is not caught up, so the second is 10:00 or later.
        Assert.True(reports[1].To >= Start.AddHours(2) && reports[1].To.Minute == 0 && reports[1].To - reports[1].From == TimeSpan.FromHours(2));
        Assert.Equal(BatchRows.Model, reports[1].Model);
        Assert.Same(reports[^1], monitor.GetLatest(BatchRows.Model));
        Assert.Equal(0, service.Failed);
    }

    [Fact]
    public async Task Schedule_OnAFollower_SkipsTheJobAndTheNewLeaderRunsTheNextOne()
    {
        var time = new FakeTimeProvider(Start);
        var reader = new RecordingReader();
        var leadership = new Leadership(false);
        await using ServiceProvider services = Build(time, reader, leadership, b => b.Schedule("loan", "30 * * * *", TimeSpan.FromHours(1)));
        BatchMonitoringService service = Service(services);
        await service.StartAsync(CancellationToken.None);

        await Eventually.HoldsAsync(() =>
        {
            time.Advance(TimeSpan.FromMinutes(5));
            return service.SkippedAsFollower >= 1;
        }, "the follower skipping the 08:30 job");
        Assert.Empty(reader.Reads);
        Assert.Null(services.GetRequiredService<IBatchMonitor>().GetLatest(BatchRows.Model));
        leadership.IsLeader = true;
        await Eventually.HoldsAsync(() =>
        {
            time.Advance(TimeSpan.FromMinutes(5));
            lock (reader.Reads)
            {
                return reader.Reads.Count >= 1;
            }
        }, "the 09:30 job on the leader");
        await service.StopAsync(CancellationToken.None);

        (ModelName model, DateTimeOffset from, DateTimeOffset to) = reader.Reads[0];
        Assert.Equal(BatchRows.Model, model);
        Assert.True(to >= Start.AddMinutes(90) && to.Minute == 30 && to - from == TimeSpan.FromHours(1));
    }

    [Fact]
    public void Schedule_BadArguments_AreRejectedWhenConfigured()
    {
        var services = new ServiceCollection();
        IMLOpsBuilder builder = services.AddMLOps();

        Assert.Throws<ArgumentException>(() => builder.AddBatchMonitoring(b => b.Schedule("loan", "not cron", TimeSpan.FromHours(1))));
        Assert.Throws<ArgumentException>(() => builder.AddBatchMonitoring(b => b.Schedule("no such name!", TimeSpan.FromHours(1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddBatchMonitoring(b => b.Schedule("loan", TimeSpan.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddBatchMonitoring(b => b.Schedule("loan", "0 * * * *", TimeSpan.Zero)));
    }
}
