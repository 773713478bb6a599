using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Tests.Retraining;

public class RetrainServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly ModelName Taxi = ModelName.Parse("taxi");

    [Fact]
    public async Task ReportDatasetDrift_Drifted_RetrainsOnceAndCountsTheRun()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create());
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        loop.Service.ReportDatasetDrift(Taxi, drifted: false, Start);
        loop.Service.ReportDatasetDrift(Taxi, drifted: true, Start.AddMinutes(1), "4 of 6 features");
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "one run");

        var run = Assert.Single(loop.Completed);
        Assert.Equal(RetrainTriggerKind.DatasetDrift, run.Trigger.Kind);
        Assert.Contains("4 of 6 features", run.Trigger.Reason, StringComparison.Ordinal);
        var counted = Assert.Single(loop.Runs.GetMeasurementSnapshot());
        Assert.Equal("drift", counted.Tags[RetrainMetrics.TriggerTag]);
        Assert.Equal("promoted", counted.Tags[RetrainMetrics.OutcomeTag]);
        Assert.Equal("taxi", counted.Tags[MLOpsTelemetry.Tags.ModelName]);
    }

    [Fact]
    public async Task RetrainService_FromDI_UsesTheRegisteredTimeProvider()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.Configure<RetrainOptions>(o => o.StateDirectory = dir.Path);
        services.AddLogging().AddMLOps()
            .AddFileSystemRegistry(o => o.RootPath = System.IO.Path.Combine(dir.Path, "registry"))
            .AddModel<Trip, TripEstimate>("taxi", m => m.FromRegistry().WithRetrainPolicy(r => r.TrainWith(TripData.Pipeline).TrainOn(_ => null!).EvaluateRegression()));
        await using var provider = services.BuildServiceProvider();

        var trigger = provider.GetRequiredService<IRetrainCoordinator>().RequestRetrain(Taxi, "clock check");

        Assert.Equal(Start, trigger.RaisedAt);
    }

    [Fact]
    public void RetrainStatus_Json_WritesModelNamesAsStrings()
    {
        // The /models/{name}/retrain responses kept their shape when the model names became ModelName.
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var trigger = new RetrainTrigger(Taxi, RetrainTriggerKind.Manual, "why", Start, "manual:1");
        var status = new RetrainStatus(Taxi, false, null, null,
            [new RetrainRun(trigger, 1, RetrainOutcome.Rejected, Start, Start, null, null, new Dictionary<string, double>(), new Dictionary<string, double>(), null)]);

        string json = System.Text.Json.JsonSerializer.Serialize(status, web);

        Assert.StartsWith("{\"modelName\":\"taxi\",", json, StringComparison.Ordinal);
        Assert.Contains("\"trigger\":{\"modelName\":\"taxi\",", json, StringComparison.Ordinal);
        Assert.Equal(Taxi, System.Text.Json.JsonSerializer.Deserialize<RetrainStatus>(json, web)!.RecentRuns[0].Trigger.ModelName);
    }

    [Fact]
    public async Task Subscribe_ThrowingHandler_IsLoggedAndTheOthersStillRun()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.Zero));
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<RetrainRun>();
        using var throwing = loop.Service.Subscribe(_ => throw new InvalidOperationException("broken subscriber"));
        using var after = loop.Service.Subscribe(seen.Enqueue);

        loop.Service.RequestRetrain(Taxi, "first");
        await RetrainLoop.Wait(() => loop.Completed.Count == 1 && !seen.IsEmpty, "the run delivered to every subscriber");

        Assert.Single(seen);
        var logged = Assert.Single(loop.Logger.Collector.GetSnapshot(), r => r.Id.Id == 457);
        Assert.Equal("broken subscriber", logged.Exception!.Message);
    }

    [Fact]
    public async Task Subscribe_Disposed_NoLongerReceivesRuns()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.Zero));
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);
        int received = 0;
        var subscription = loop.Service.Subscribe(_ => Interlocked.Increment(ref received));

        loop.Service.RequestRetrain(Taxi, "first");
        await RetrainLoop.Wait(() => loop.Completed.Count == 1 && !loop.Service.GetStatus(Taxi)!.IsRunning, "first run");
        subscription.Dispose();
        subscription.Dispose();   // twice is harmless
        loop.Service.RequestRetrain(Taxi, "second");
        await RetrainLoop.Wait(() => loop.Completed.Count == 2, "second run");

        Assert.Equal(1, Volatile.Read(ref received));
    }

    [Fact]
    public async Task Triggers_InCooldown_AreIgnoredButManualRequestsRun()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.FromHours(6)));
        await using var loop = new RetrainLoop(dir.Path, time, retrainer);

        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        await RetrainLoop.Wait(() => loop.Completed.Count == 1 && !loop.Service.GetStatus(Taxi)!.IsRunning, "first run");
        time.Advance(TimeSpan.FromHours(5));
        loop.Service.ReportDatasetDrift(Taxi, true, time.GetUtcNow());
        await loop.DecisionsAsync(2);
        loop.Service.RequestRetrain(Taxi, "on-call asked");
        await RetrainLoop.Wait(() => loop.Completed.Count == 2, "manual run");

        Assert.Equal(["accepted", "cooldown", "accepted"], loop.DecisionValues());
        Assert.Equal(RetrainTriggerKind.Manual, retrainer.Calls.Last().Trigger.Kind);
        var status = loop.Service.GetStatus(Taxi)!;
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(6), status.CooldownEndsAt);
    }

    [Fact]
    public async Task Triggers_InCooldown_AreLoggedOncePerCooldownNotOncePerWindow()
    {
        // Regression: the console filled with one "ignored (cooldown)" line per drift and quality window.
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.FromHours(1)));
        await using var loop = new RetrainLoop(dir.Path, time, retrainer);

        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        await RetrainLoop.Wait(() => loop.Completed.Count == 1 && !loop.Service.GetStatus(Taxi)!.IsRunning, "first run");
        for (int window = 1; window <= 5; window++)
        {
            time.Advance(TimeSpan.FromMinutes(5));
            loop.Service.ReportDatasetDrift(Taxi, false, time.GetUtcNow());
            loop.Service.ReportDatasetDrift(Taxi, true, time.GetUtcNow());
        }

        await loop.DecisionsAsync(6);
        time.Advance(TimeSpan.FromHours(1));
        loop.Service.ReportDatasetDrift(Taxi, false, time.GetUtcNow());
        loop.Service.ReportDatasetDrift(Taxi, true, time.GetUtcNow());   // after the cooldown: runs
        await RetrainLoop.Wait(() => loop.Completed.Count == 2 && !loop.Service.GetStatus(Taxi)!.IsRunning, "second run");
        time.Advance(TimeSpan.FromMinutes(5));
        loop.Service.ReportDatasetDrift(Taxi, false, time.GetUtcNow());
        loop.Service.ReportDatasetDrift(Taxi, true, time.GetUtcNow());   // the next cooldown: logged once again
        await loop.DecisionsAsync(8);

        Assert.Equal(["accepted", "cooldown", "cooldown", "cooldown", "cooldown", "cooldown", "accepted", "cooldown"], loop.DecisionValues());
        var logs = loop.Logger.Collector.GetSnapshot();
        Assert.Equal(2, logs.Count(r => r.Id.Name == "RetrainCooldownSkip" && r.Level == Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.Equal(4, logs.Count(r => r.Id.Name == "RetrainCooldownSkipRepeated" && r.Level == Microsoft.Extensions.Logging.LogLevel.Debug));
        Assert.DoesNotContain(logs, r => r.Id.Name == "RetrainTriggerIgnored");
    }

    [Fact]
    public async Task RunningAttempt_IsCountedActiveUntilItEnds()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.Zero)) { Gate = new TaskCompletionSource() };
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        await RetrainLoop.Wait(() => loop.Active.GetMeasurementSnapshot().Count == 1, "the attempt to start");
        Assert.Equal(1, loop.Active.GetMeasurementSnapshot().Sum(m => m.Value));
        retrainer.Gate.SetResult();
        await RetrainLoop.Wait(() => loop.Active.GetMeasurementSnapshot().Count == 2, "the attempt to end");

        Assert.Equal(0, loop.Active.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(loop.Active.GetMeasurementSnapshot(), m => Assert.Equal("taxi", m.Tags[MLOpsTelemetry.Tags.ModelName]));
    }

    [Fact]
    public async Task Trigger_WhileARetrainRuns_IsNotStartedTwice()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.Zero)) { Gate = new TaskCompletionSource() };
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        await RetrainLoop.Wait(() => loop.Service.GetStatus(Taxi)!.IsRunning, "a running retrain");
        loop.Service.RequestRetrain(Taxi, "impatient");
        await loop.DecisionsAsync(2);
        retrainer.Gate.SetResult();
        await RetrainLoop.Wait(() => !loop.Service.GetStatus(Taxi)!.IsRunning, "the run to end");

        Assert.Equal(["accepted", "running"], loop.DecisionValues());
        Assert.Single(retrainer.Calls);
    }

    [Fact]
    public async Task FailingRetrain_IsRetriedWithExponentialBackoffThenGivesUp()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(maxAttempts: 3, backoff: TimeSpan.FromMinutes(2)), RetrainOutcome.Failed);
        await using var loop = new RetrainLoop(dir.Path, time, retrainer);

        retrainer.Time = time;
        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        for (int step = 0; step < 200 && !(retrainer.Calls.Count == 3 && !loop.Service.GetStatus(Taxi)!.IsRunning); step++)
        {
            await Task.Delay(10);
            time.Advance(TimeSpan.FromSeconds(10));   // fake time in small steps: each backoff is observed to within a step
        }

        time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(50);

        var at = retrainer.CalledAt.ToArray();
        Assert.Equal(3, at.Length);
        Assert.InRange(at[1] - at[0], TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2.5));
        Assert.InRange(at[2] - at[1], TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(4.5));
        Assert.Equal([1, 2, 3], retrainer.Calls.Select(c => c.Attempt));
        Assert.All(loop.Runs.GetMeasurementSnapshot(), m => Assert.Equal("failed", m.Tags[RetrainMetrics.OutcomeTag]));
        Assert.Equal(3, loop.Runs.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task QualityRule_FiresAfterConsecutiveWindowsOnly()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(onDrift: false, quality: [new QualityRule("r2", 0.8, Below: true, ConsecutiveWindows: 3)]));
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        double[] r2 = [0.7, 0.75, 0.9, 0.7, 0.6];                       // a good window breaks the streak
        for (int i = 0; i < r2.Length; i++)
        {
            loop.Service.ReportQualityWindow(Taxi, new Dictionary<string, double> { ["r2"] = r2[i], ["rmse"] = 3 }, Start.AddMinutes(i));
        }

        await Task.Delay(100);
        Assert.Empty(retrainer.Calls);
        loop.Service.ReportQualityWindow(Taxi, new Dictionary<string, double> { ["r2"] = 0.65 }, Start.AddMinutes(9));
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "the quality retrain");

        var trigger = retrainer.Calls.Single().Trigger;
        Assert.Equal(RetrainTriggerKind.QualityDecay, trigger.Kind);
        Assert.Contains("r2 = 0.65", trigger.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelledRows_ReachingTheThreshold_Retrains()
    {
        using var dir = new TempDirectory();
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(onDrift: false, rows: 1000));
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        loop.Service.ReportLabelledRows(Taxi, 999);
        await Task.Delay(50);
        Assert.Empty(retrainer.Calls);
        loop.Service.ReportLabelledRows(Taxi, 1000);
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "the data retrain");

        Assert.Equal(RetrainTriggerKind.NewLabelledData, retrainer.Calls.Single().Trigger.Kind);
    }

    [Fact]
    public async Task Schedule_ComesDueWithFakeTime()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create(onDrift: false, interval: TimeSpan.FromHours(24), cooldown: TimeSpan.Zero));
        await using var loop = new RetrainLoop(dir.Path, time, retrainer);

        for (int hour = 1; hour < 24; hour++)
        {
            time.Advance(TimeSpan.FromHours(1));
            await Task.Delay(5);
        }

        time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(50);

        Assert.Empty(retrainer.Calls);
        time.Advance(TimeSpan.FromMinutes(1));
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "the scheduled retrain");
        Assert.Equal(RetrainTriggerKind.Schedule, retrainer.Calls.Single().Trigger.Kind);
    }

    [Fact]
    public async Task Restart_DoesNotRetrainTwiceForTheSameTriggerAndKeepsTheCooldown()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var first = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.FromHours(1)));
        await using (var loop = new RetrainLoop(dir.Path, time, first))
        {
            loop.Service.ReportDatasetDrift(Taxi, true, Start);
            await RetrainLoop.Wait(() => loop.Completed.Count == 1, "the first run");
        }

        var second = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.FromHours(1)));
        await using (var loop = new RetrainLoop(dir.Path, time, second))
        {
            time.Advance(TimeSpan.FromHours(2));                   // the cooldown is over: only the key stops the replay
            loop.Service.ReportDatasetDrift(Taxi, true, Start);  // the same window, reported again after the restart
            await loop.DecisionsAsync(1);
            Assert.Equal(["duplicate"], loop.DecisionValues());
            Assert.Empty(second.Calls);
        }

        var third = new ScriptedRetrainer("taxi", Settings.Create(cooldown: TimeSpan.FromHours(3)));
        await using (var loop = new RetrainLoop(dir.Path, time, third))
        {
            loop.Service.ReportDatasetDrift(Taxi, true, time.GetUtcNow());   // a new window, 2 h after the last run
            await loop.DecisionsAsync(1);
            Assert.Equal(["cooldown"], loop.DecisionValues());
        }
    }

    [Fact]
    public async Task RequestRetrain_UnknownModelOrEmptyReason_Throws()
    {
        using var dir = new TempDirectory();
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), new ScriptedRetrainer("taxi", Settings.Create()));

        Assert.Equal("modelName", Assert.Throws<ArgumentException>(() => loop.Service.RequestRetrain(ModelName.Parse("other"), "why")).ParamName);
        Assert.Equal("reason", Assert.Throws<ArgumentException>(() => loop.Service.RequestRetrain(Taxi, " ")).ParamName);
        Assert.Null(loop.Service.GetStatus(ModelName.Parse("other")));
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(3, -1)]
    [InlineData(3, 86_401)]
    public void Retries_OutOfRange_Throws(int maxAttempts, int backoffSeconds)
    {
        var builder = new RetrainPolicyBuilder<Trip>(Taxi);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Retries(maxAttempts, TimeSpan.FromSeconds(backoffSeconds)));
        builder.Retries(3, TimeSpan.FromDays(1));   // the longest backoff Polly's retry accepts
    }

    [Fact]
    public async Task CorruptStateFile_StartsFreshInsteadOfFailing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Path);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "taxi.json"), "{ \"schemaVersion\": 1, \"lastRunAt\": ");
        var retrainer = new ScriptedRetrainer("taxi", Settings.Create());
        await using var loop = new RetrainLoop(dir.Path, new FakeTimeProvider(Start), retrainer);

        loop.Service.ReportDatasetDrift(Taxi, true, Start);
        await RetrainLoop.Wait(() => loop.Completed.Count == 1, "a run");
        Assert.Contains("drift:", await File.ReadAllTextAsync(Path.Combine(dir.Path, "taxi.json")), StringComparison.Ordinal);
    }
}
