using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Drift;
using MLOps.Shared.Events;
using Polly;
using Polly.Retry;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// The hosted retrain loop. Signals (drift windows, quality windows, labelled-row counts, the schedule, manual requests)
/// become <see cref="RetrainTrigger"/>s; a trigger runs a retrain unless its key was handled before (also before a
/// restart), the model is in its cooldown (manual requests skip the cooldown), or a retrain of that model is running
/// (at most one per model at a time), or this replica is not the fleet's leader (<see cref="ILeaderElection"/>: dropped
/// and counted with the decision <c>follower</c>; the leader acts on its own signals). A failed attempt is retried with exponential backoff up to the policy's
/// attempt count. All timing goes through the <see cref="TimeProvider"/> from DI (registered once by <c>AddMLOps</c>,
/// <see cref="TimeProvider.System"/> unless the application registers another, such as a <c>FakeTimeProvider</c> in tests).
/// </summary>
internal sealed class RetrainService : BackgroundService, IRetrainCoordinator
{
    private static readonly TimeSpan MaxScheduleSleep = TimeSpan.FromMinutes(1);

    private readonly Dictionary<ModelName, ModelEntry> _models;
    private readonly Channel<RetrainTrigger> _queue = Channel.CreateBounded<RetrainTrigger>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly RetrainOptions _options;
    private readonly RetrainStateStore _store;
    private readonly RetrainMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _startedAt;
    private readonly IDriftMonitor? _drift;
    private readonly MLOps.Monitoring.Quality.IModelQualityMonitor? _quality;
    private readonly IDisposable? _driftSubscription;
    private readonly IDisposable? _qualitySubscription;
    private readonly ConcurrentDictionary<ModelName, long> _labelledRows = new();
    private readonly Subscribers<RetrainRun> _subscribers;
    private readonly ILeaderElection? _leadership;

    public RetrainService(
        IEnumerable<ModelRetrainer> retrainers,
        IOptions<RetrainOptions> options,
        RetrainMetrics metrics,
        TimeProvider time,
        ILogger<RetrainService>? logger = null,
        IDriftMonitor? drift = null,
        MLOps.Monitoring.Quality.IModelQualityMonitor? quality = null,
        ILeaderElection? leadership = null)
    {
        _leadership = leadership;
        _options = options.Value;
        _store = new RetrainStateStore(_options.StateDirectory);
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _subscribers = new Subscribers<RetrainRun>((e, run) => RetrainLog.HandlerFailed(_logger, e, run.Trigger.ModelName.Value));
        _startedAt = _time.GetUtcNow();
        _models = [];
        foreach (var retrainer in retrainers)
        {
            _models[retrainer.ModelName] = new ModelEntry(retrainer, LoadState(retrainer.ModelName));
        }

        // The signals: drift windows and quality windows of the same process feed the triggers.
        _drift = drift;
        _quality = quality;
        _driftSubscription = _drift?.Subscribe(OnDriftReport);
        _qualitySubscription = _quality?.Subscribe(OnQualityWindow);
    }

    public override void Dispose()
    {
        _driftSubscription?.Dispose();
        _qualitySubscription?.Dispose();
        base.Dispose();
    }

    public IDisposable Subscribe(Action<RetrainRun> handler) => _subscribers.Subscribe(handler);

    public IReadOnlyCollection<ModelName> Models => _models.Keys;

    public RetrainTrigger RequestRetrain(ModelName modelName, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var entry = Find(modelName);
        var trigger = new RetrainTrigger(entry.Retrainer.ModelName, RetrainTriggerKind.Manual, reason, _time.GetUtcNow(),
            "manual:" + Guid.NewGuid().ToString("N"));
        Enqueue(trigger);
        return trigger;
    }

    public RetrainStatus? GetStatus(ModelName modelName)
    {
        if (!_models.TryGetValue(modelName, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return new RetrainStatus(
                modelName,
                entry.Running,
                entry.State.LastRunAt,
                entry.State.LastRunAt + entry.Retrainer.Settings.Cooldown,
                entry.Recent.ToArray());
        }
    }

    /// <summary>A closed drift window of <paramref name="modelName"/>; triggers when the policy retrains on dataset drift.</summary>
    public void ReportDatasetDrift(ModelName modelName, bool drifted, DateTimeOffset windowEnd, string? detail = null)
    {
        if (!drifted || !TryFind(modelName, out var entry) || !entry.Retrainer.Settings.OnDatasetDrift)
        {
            return;
        }

        Enqueue(new RetrainTrigger(entry.Retrainer.ModelName, RetrainTriggerKind.DatasetDrift,
            "dataset drift detected" + (detail is null ? "" : ": " + detail), windowEnd,
            "drift:" + windowEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
    }

    /// <summary>A closed quality window of <paramref name="modelName"/>; triggers when a rule held for its window count.</summary>
    public void ReportQualityWindow(ModelName modelName, IReadOnlyDictionary<string, double> metrics, DateTimeOffset windowEnd)
    {
        if (!TryFind(modelName, out var entry))
        {
            return;
        }

        var rules = entry.Retrainer.Settings.QualityRules;
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!metrics.TryGetValue(rule.Metric, out double value) || !double.IsFinite(value))
            {
                continue;   // a window without this metric neither extends nor breaks the streak
            }

            int streak;
            lock (entry)
            {
                streak = entry.QualityStreaks[i] = rule.IsViolatedBy(value) ? entry.QualityStreaks[i] + 1 : 0;
                if (streak >= rule.ConsecutiveWindows)
                {
                    entry.QualityStreaks[i] = 0;
                }
            }

            if (streak >= rule.ConsecutiveWindows)
            {
                Enqueue(new RetrainTrigger(entry.Retrainer.ModelName, RetrainTriggerKind.QualityDecay,
                    string.Create(CultureInfo.InvariantCulture, $"{rule.Metric} = {value:G4}: {rule}"), windowEnd,
                    "quality:" + rule.Metric + ":" + windowEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>The total number of labelled predictions of <paramref name="modelName"/> so far (monotonic).</summary>
    public void ReportLabelledRows(ModelName modelName, long totalLabelledRows)
    {
        if (!TryFind(modelName, out var entry) || entry.Retrainer.Settings.LabelledRowsThreshold is not { } threshold)
        {
            return;
        }

        long since;
        lock (entry)
        {
            since = totalLabelledRows - entry.State.LabelledRowsAtLastRun;
            if (since < 0)
            {
                // The counter restarted (a new process): count from here.
                entry.State.LabelledRowsAtLastRun = 0;
                since = totalLabelledRows;
            }

            entry.LatestLabelledRows = totalLabelledRows;
        }

        if (since >= threshold)
        {
            Enqueue(new RetrainTrigger(entry.Retrainer.ModelName, RetrainTriggerKind.NewLabelledData,
                string.Create(CultureInfo.InvariantCulture, $"{since} new labelled rows (threshold {threshold})"), _time.GetUtcNow(),
                string.Create(CultureInfo.InvariantCulture, $"rows:{entry.State.LabelledRowsAtLastRun}+{threshold}")));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || _models.Count == 0)
        {
            return;
        }

        Task schedule = _models.Values.Any(m => m.Retrainer.Settings.HasSchedule) ? ScheduleLoopAsync(stoppingToken) : Task.CompletedTask;
        try
        {
            await foreach (var trigger in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Accept(trigger, stoppingToken);
                }
#pragma warning disable CA1031 // one bad trigger must not stop the loop
                catch (Exception e)
#pragma warning restore CA1031
                {
                    RetrainLog.LoopError(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await schedule.ConfigureAwait(false);
    }

    private void OnDriftReport(DriftReport report) =>
        ReportDatasetDrift(
            report.ModelName.GetValueOrDefault(),
            report.DatasetDrift,
            report.CreatedAt,
            string.Create(CultureInfo.InvariantCulture, $"{report.DriftedFeatures} of {report.EvaluatedFeatures} features drifted ({string.Join(", ", report.Features.Where(f => f.Drifted).Select(f => f.Feature))})"));

    private void OnQualityWindow(MLOps.Monitoring.Quality.QualityWindow window)
    {
        ReportQualityWindow(window.ModelName, window.Metrics, window.End);
        ReportLabelledRows(window.ModelName, _labelledRows.AddOrUpdate(window.ModelName, window.Count, (_, total) => total + window.Count));
    }

    private void Enqueue(RetrainTrigger trigger)
    {
        if (!_queue.Writer.TryWrite(trigger))
        {
            _metrics.Trigger(trigger, "dropped");
            RetrainLog.TriggerIgnored(_logger, trigger.ModelName.Value, "dropped", "the trigger queue is full");
        }
    }

    private void Accept(RetrainTrigger trigger, CancellationToken stoppingToken)
    {
        var entry = _models[trigger.ModelName];
        string? refusal = null;
        DateTimeOffset? cooldownEndsAt = null;
        bool firstInCooldown = false;
        lock (entry)
        {
            var now = _time.GetUtcNow();
            if (_leadership is { IsLeader: false })
            {
                refusal = "follower";
            }
            else if (entry.State.WasHandled(trigger.Key))
            {
                refusal = "duplicate";
            }
            else if (entry.Running)
            {
                refusal = "running";
            }
            else if (trigger.Kind != RetrainTriggerKind.Manual && entry.State.LastRunAt + entry.Retrainer.Settings.Cooldown > now)
            {
                refusal = "cooldown";
                cooldownEndsAt = entry.State.LastRunAt + entry.Retrainer.Settings.Cooldown;
                firstInCooldown = entry.CooldownLoggedFor != entry.State.LastRunAt;
                entry.CooldownLoggedFor = entry.State.LastRunAt;
            }
            else
            {
                // Persist before running: a crash mid-retrain does not run this trigger again after the restart, and
                // the cooldown counts from now.
                entry.Running = true;
                entry.State.LastRunAt = now;
                entry.State.LabelledRowsAtLastRun = Math.Max(entry.State.LabelledRowsAtLastRun, entry.LatestLabelledRows);
                entry.State.MarkHandled(trigger.Key);
                SaveState(entry);
            }
        }

        _metrics.Trigger(trigger, refusal ?? "accepted");
        if (cooldownEndsAt is { } until)
        {
            // Drift and quality windows keep firing through a cooldown: say so once per cooldown, not once per window.
            if (firstInCooldown)
            {
                RetrainLog.CooldownStarted(_logger, trigger.ModelName.Value, until, trigger.Reason);
            }
            else
            {
                RetrainLog.IgnoredInCooldown(_logger, trigger.ModelName.Value, until, trigger.Reason);
            }

            return;
        }

        if (refusal is not null)
        {
            RetrainLog.TriggerIgnored(_logger, trigger.ModelName.Value, refusal, trigger.Reason);
            return;
        }

        Task run = Task.Run(() => RunWithRetriesAsync(entry, trigger, stoppingToken), CancellationToken.None);
        _running.TryAdd(run, 0);
        _ = run.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunWithRetriesAsync(ModelEntry entry, RetrainTrigger trigger, CancellationToken stoppingToken)
    {
        var settings = entry.Retrainer.Settings;
        try
        {
            // Polly's retry on the run's outcome: a failed attempt waits RetryBackoff × 2^(n-1) on the DI clock, then tries
            // again, up to the policy's attempt count (the same schedule the hand-written loop had, without jitter: one
            // retrain per model at a time needs no spreading).
            var attempt = 0;
            await RetryPipeline(settings).ExecuteAsync(
                async token =>
                {
                    attempt++;
                    RetrainLog.Started(_logger, trigger.ModelName.Value, attempt, trigger.Reason);
                    RetrainRun run;
                    _metrics.AttemptStarted(trigger.ModelName);
                    try
                    {
                        run = await entry.Retrainer.RunAsync(trigger, attempt, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _metrics.AttemptEnded(trigger.ModelName);
                    }

                    Completed(entry, run);
                    if (run.Outcome == RetrainOutcome.Failed)
                    {
                        RetrainLog.Failed(_logger, trigger.ModelName.Value, attempt, settings.MaxAttempts, run.Error ?? "unknown error");
                    }

                    return run;
                },
                stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (entry)
            {
                entry.Running = false;
            }
        }
    }

    private ResiliencePipeline<RetrainRun> RetryPipeline(RetrainPolicySettings settings)
    {
        var builder = new ResiliencePipelineBuilder<RetrainRun> { TimeProvider = _time };
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<RetrainRun>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = settings.RetryBackoff,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Outcome: RetrainOutcome.Failed }),
            });
        }

        return builder.Build();
    }

    private void Completed(ModelEntry entry, RetrainRun run)
    {
        lock (entry)
        {
            entry.Recent.Enqueue(run);
            while (entry.Recent.Count > _options.RecentRunsPerModel)
            {
                entry.Recent.Dequeue();
            }
        }

        _metrics.RunCompleted(run);
        _subscribers.Raise(run);
    }


    private async Task ScheduleLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                DateTimeOffset next = now + MaxScheduleSleep;
                foreach (var entry in _models.Values)
                {
                    if (!entry.Retrainer.Settings.HasSchedule)
                    {
                        continue;
                    }

                    DateTimeOffset? due;
                    lock (entry)
                    {
                        var anchor = Max(entry.State.LastRunAt, entry.State.ScheduleAnchor) ?? _startedAt;
                        due = entry.Retrainer.Settings.NextDue(anchor);
                        if (due <= now)
                        {
                            entry.State.ScheduleAnchor = due;
                            SaveState(entry);
                        }
                    }

                    if (due is null)
                    {
                        continue;
                    }

                    if (due <= now)
                    {
                        Enqueue(new RetrainTrigger(entry.Retrainer.ModelName, RetrainTriggerKind.Schedule,
                            "scheduled retrain due " + due.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), now,
                            "schedule:" + due.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
                        next = now;
                    }
                    else if (due < next)
                    {
                        next = due.Value;
                    }
                }

                if (next > now)
                {
                    await Task.Delay(next - now, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the schedule loop survives any single failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                RetrainLog.LoopError(_logger, e);
                await Task.Delay(MaxScheduleSleep, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Finds the entry of a model named by a monitoring signal; a model without a retrain policy has none.</summary>
    private bool TryFind(ModelName modelName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelEntry? entry) =>
        _models.TryGetValue(modelName, out entry);

    private ModelEntry Find(ModelName modelName)
    {
        return _models.TryGetValue(modelName, out var entry)
            ? entry
            : throw new ArgumentException($"Model '{modelName}' has no retrain policy (configure it with WithRetrainPolicy).", nameof(modelName));
    }

    private RetrainState LoadState(ModelName modelName)
    {
        try
        {
            return _store.Load(modelName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            RetrainLog.StateUnreadable(_logger, e, modelName.Value);
            return new RetrainState();
        }
    }

    private void SaveState(ModelEntry entry)
    {
        try
        {
            _store.Save(entry.Retrainer.ModelName, entry.State);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RetrainLog.StateNotSaved(_logger, e, entry.Retrainer.ModelName.Value);
        }
    }

    private sealed class ModelEntry(ModelRetrainer retrainer, RetrainState state)
    {
        public ModelRetrainer Retrainer { get; } = retrainer;

        public RetrainState State { get; } = state;

        public int[] QualityStreaks { get; } = new int[retrainer.Settings.QualityRules.Count];

        public Queue<RetrainRun> Recent { get; } = new();

        public bool Running { get; set; }

        public long LatestLabelledRows { get; set; }

        /// <summary>The cooldown (by the run that started it) whose first ignored trigger was logged.</summary>
        public DateTimeOffset? CooldownLoggedFor { get; set; }
    }
}
