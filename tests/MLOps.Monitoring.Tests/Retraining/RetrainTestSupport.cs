using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Tests.Retraining;

/// <summary>A retrain step the loop tests script: each attempt returns the next scripted outcome (or blocks).</summary>
internal sealed class ScriptedRetrainer(string modelName, RetrainPolicySettings settings, params RetrainOutcome[] outcomes)
    : ModelRetrainer(ModelName.Parse(modelName), settings)
{
    private int _calls;

    public ConcurrentQueue<(RetrainTrigger Trigger, int Attempt)> Calls { get; } = new();

    public TaskCompletionSource? Gate { get; set; }

    public TimeProvider? Time { get; set; }

    public ConcurrentQueue<DateTimeOffset> CalledAt { get; } = new();

    public override async Task<RetrainRun> RunAsync(RetrainTrigger trigger, int attempt, CancellationToken cancellationToken)
    {
        if (Time is not null)
        {
            CalledAt.Enqueue(Time.GetUtcNow());
        }

        Calls.Enqueue((trigger, attempt));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        int call = Interlocked.Increment(ref _calls) - 1;
        var outcome = outcomes.Length == 0 ? RetrainOutcome.Promoted : outcomes[Math.Min(call, outcomes.Length - 1)];
        var now = DateTimeOffset.UnixEpoch;
        return new RetrainRun(trigger, attempt, outcome, now, now, outcome == RetrainOutcome.Failed ? null : new ModelVersion(call + 2),
            new ModelVersion(1), new Dictionary<string, double>(), new Dictionary<string, double>(),
            outcome == RetrainOutcome.Failed ? "scripted failure" : null);
    }
}

internal static class Settings
{
    public static RetrainPolicySettings Create(
        bool onDrift = true,
        QualityRule[]? quality = null,
        TimeSpan? interval = null,
        long? rows = null,
        TimeSpan? cooldown = null,
        int maxAttempts = 3,
        TimeSpan? backoff = null) =>
        new(onDrift, quality ?? [], interval, null, rows, cooldown ?? TimeSpan.FromHours(1), maxAttempts, backoff ?? TimeSpan.FromMinutes(1));
}

/// <summary>A running <see cref="RetrainService"/> over scripted retrainers, with fake time and a metric collector.</summary>
internal sealed class RetrainLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ServiceProvider _meters;

    public RetrainLoop(string stateDirectory, FakeTimeProvider time, params ModelRetrainer[] retrainers)
        : this(stateDirectory, time, leadership: null, retrainers)
    {
    }

    public RetrainLoop(string stateDirectory, FakeTimeProvider time, ILeaderElection? leadership, params ModelRetrainer[] retrainers)
    {
        Time = time;
        _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _meters.GetRequiredService<IMeterFactory>();
        Runs = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MLOpsTelemetry.Name, RetrainMetrics.Runs);
        Triggers = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MLOpsTelemetry.Name, RetrainMetrics.Triggers);
        Active = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MLOpsTelemetry.Name, RetrainMetrics.Active);
        Service = new RetrainService(retrainers, Options.Create(new RetrainOptions { StateDirectory = stateDirectory }), new RetrainMetrics(meterFactory), time, Logger, leadership: leadership);
        Service.Subscribe(Completed.Add);
        Service.StartAsync(_stop.Token).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; }

    public RetrainService Service { get; }

    public ConcurrentBag<RetrainRun> Completed { get; } = [];

    public Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> Runs { get; }

    public Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> Triggers { get; }

    public Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> Active { get; }

    public Microsoft.Extensions.Logging.Testing.FakeLogger<RetrainService> Logger { get; } = new();

    /// <summary>Waits until <paramref name="decisions"/> trigger decisions were counted (the loop is asynchronous).</summary>
    public Task DecisionsAsync(int decisions) =>
        Wait(() => Triggers.GetMeasurementSnapshot().Count >= decisions, $"{decisions} trigger decisions");

    public string[] DecisionValues() =>
        Triggers.GetMeasurementSnapshot().Select(m => (string)m.Tags[RetrainMetrics.DecisionTag]!).ToArray();

    public static async Task Wait(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        Runs.Dispose();
        Triggers.Dispose();
        Active.Dispose();
        await _meters.DisposeAsync();
        _stop.Dispose();
    }
}

