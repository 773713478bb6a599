using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>A rollback and a sample ratio mismatch raise alerts through the alerting rules, wired as an application wires them.</summary>
public sealed class RolloutAlertTests : IAsyncLifetime
{
    private static readonly ModelName Model = ModelName.Parse("taxi");
    private readonly TempDirectory _dir = new();
    private AlertingHarness _alerting = null!;
    private Histogram<double> _duration = null!;

    public async Task InitializeAsync()
    {
        _alerting = AlertingHarness.Create(
            a => a.OnRolloutRolledBack().OnSampleRatioMismatch().For(TimeSpan.Zero),
            services => services.AddMLOps().AddFileSystemRegistry(o => o.RootPath = _dir.Path).AddRolloutAnalysis());
        _alerting.Listen();
        _duration = _alerting.Meter.CreateHistogram<double>(MLOpsTelemetry.Instruments.PredictionDuration, "s");
        IModelRegistry registry = _alerting.Provider.GetRequiredService<IModelRegistry>();
        for (int i = 1; i <= 2; i++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { 1, (byte)i })]));
        }

        await registry.PromoteAsync(new PromoteRequest(Model, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
    }

    public async Task DisposeAsync()
    {
        await _alerting.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task RolledBackRollout_FiresTheRolloutRolledBackAlert()
    {
        await StartAsync(RolloutStrategy.Canary, [10, 50]);
        Predict(1, "primary", 100, failed: false);
        Predict(2, "candidate", 40, failed: true);
        await PassAsync();

        AlertNotification notification = Assert.Single(_alerting.EvaluateAt(TimeSpan.FromSeconds(1)));
        Assert.Equal(("rollout-rolled-back", AlertStatus.Firing, AlertSeverity.Critical), (notification.Alert.Rule.Name, notification.Alert.Status, notification.Alert.Rule.Severity));
        Assert.Equal("A rollout of model 'taxi' was rolled back 1 time(s) in the last 1 h.", notification.Alert.Summary);
    }

    [Fact]
    public async Task ExperimentWithSampleRatioMismatch_FiresTheSampleRatioMismatchAlert()
    {
        await StartAsync(RolloutStrategy.Experiment, [50]);
        Predict(1, "primary", 300, failed: false);
        Predict(2, "candidate", 100, failed: false);
        await PassAsync();

        AlertNotification notification = Assert.Single(_alerting.EvaluateAt(TimeSpan.FromSeconds(1)));
        Assert.Equal(("sample-ratio-mismatch", AlertStatus.Firing), (notification.Alert.Rule.Name, notification.Alert.Status));
        Assert.StartsWith("The experiment of model 'taxi' has a sample ratio mismatch: p = 0", notification.Alert.Summary, StringComparison.Ordinal);
    }

    private async Task StartAsync(RolloutStrategy strategy, int[] steps)
    {
        await _alerting.Provider.GetRequiredService<IModelRegistry>().StartRolloutAsync(new StartRolloutRequest(Model, new ModelVersion(2), strategy)
        {
            Steps = steps,
            Analysis = new RolloutAnalysis { MinSampleSize = 20 },
        });
        await PassAsync();   // opens the analysis window
    }

    private Task PassAsync()
    {
        _alerting.Time.Advance(TimeSpan.FromMinutes(1));
        return _alerting.Provider.GetRequiredService<RolloutAnalyzer>().RunOnceAsync([Model], CancellationToken.None);
    }

    private void Predict(int version, string variant, int count, bool failed)
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, Model.Value },
            { MLOpsTelemetry.Tags.ModelVersion, version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { MLOpsTelemetry.Tags.Variant, variant },
        };
        if (failed)
        {
            tags.Add(MLOpsTelemetry.Tags.ErrorType, "System.InvalidOperationException");
        }

        for (int i = 0; i < count; i++)
        {
            _duration.Record(0.001, tags);
        }
    }
}
