using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;

namespace MLOps.Monitoring.Tests.Alerting.Support;

/// <summary>
/// A service provider with <c>AddMLOps().AddAlerting(...)</c>, a <see cref="FakeTimeProvider"/>, fake logging and a
/// test <see cref="Meter"/> named <c>MLOps</c> created through the same <see cref="IMeterFactory"/>, on which tests
/// publish the instruments other packages own (same names and tags as docs/telemetry.md).
/// </summary>
internal sealed class AlertingHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private AlertingHarness(ServiceProvider provider, FakeTimeProvider time)
    {
        Provider = provider;
        Time = time;
        Meter = provider.GetRequiredService<IMeterFactory>().Create(new MeterOptions(MLOpsTelemetry.Name) { Version = "test" });
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public Meter Meter { get; }

    public AlertEngine Engine => Provider.GetRequiredService<AlertEngine>();

    public IAlertManager Manager => Provider.GetRequiredService<IAlertManager>();

    public FakeLogCollector Logs => Provider.GetFakeLogCollector();

    public static AlertingHarness Create(Action<AlertingBuilder> configure, Action<IServiceCollection>? more = null)
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddMLOps(o => o.ServiceName = "taxi-api").AddAlerting(configure);
        more?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new AlertingHarness(provider, time);
    }

    /// <summary>Starts the listener without the hosted loop; tests then call <see cref="EvaluateAt"/>.</summary>
    public AlertingHarness Listen()
    {
        Engine.Start();
        return this;
    }

    /// <summary>Advances the fake clock by <paramref name="elapsed"/>, evaluates once and returns the notifications it queued.</summary>
    public List<AlertNotification> EvaluateAt(TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        Engine.Evaluate();
        return Drain();
    }

    public List<AlertNotification> Drain()
    {
        var queue = Provider.GetRequiredService<AlertQueue>();
        var drained = new List<AlertNotification>();
        while (queue.Reader.TryRead(out AlertNotification? notification))
        {
            drained.Add(notification);
        }

        return drained;
    }

    public async Task StartHostAsync()
    {
        foreach (IHostedService service in Provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IHostedService service in Provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await Provider.DisposeAsync();
    }

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
