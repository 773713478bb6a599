using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;

namespace MLOps.Monitoring.Tests.Alerting;

public class AddAlertingTests
{
    [Fact]
    public async Task AddAlerting_TheIssueExample_StartsAndExposesTheRules()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMLOps().AddAlerting(a => a
            .OnDriftDetected()
            .OnQualityBelow("r2", 0.8, severity: AlertSeverity.Warning)
            .OnQualityBelow("r2", 0.7, AlertSeverity.Critical)
            .OnErrorRateAbove(0.05)
            .OnLatencyP95Above(TimeSpan.FromMilliseconds(200))
            .OnRetrainFailed()
            .OnModelLoadFailed()
            .For(TimeSpan.FromMinutes(5))
            .RenotifyEvery(TimeSpan.FromHours(4)));
        using IHost host = builder.Build();

        await host.StartAsync();
        var manager = host.Services.GetRequiredService<IAlertManager>();
        AlertingOptions options = host.Services.GetRequiredService<IOptions<AlertingOptions>>().Value;
        await host.StopAsync();

        Assert.Equal(
            ["drift-detected-dataset", "quality-below-r2-0.8", "quality-below-r2-0.7", "error-rate-above-0.05", "latency-p95-above-200ms", "retrain-failed", "model-load-failed"],
            manager.Rules.Select(r => r.Name));
        Assert.Equal(TimeSpan.FromMinutes(5), options.For);
        Assert.Equal(TimeSpan.FromHours(4), options.RenotifyInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.EvaluationInterval);
        Assert.Equal(0.2, manager.Rules.Single(r => r.Kind == AlertRuleKind.LatencyP95Above).Threshold, 12);
        Assert.Empty(manager.GetAlerts());
    }

    [Fact]
    public void AddAlerting_CalledTwice_RegistersOneLoopAndKeepsEveryRule()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps().AddAlerting(a => a.OnDriftDetected()).AddAlerting(a => a.OnRetrainFailed());
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>().OfType<AlertingService>());
        Assert.Single(provider.GetServices<IAlertNotifier>());
        Assert.Equal(["drift-detected-dataset", "retrain-failed"], provider.GetRequiredService<IAlertManager>().Rules.Select(r => r.Name));
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsListingEveryError()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMLOps().AddAlerting(a => a
            .OnRetrainFailed()
            .Add(new AlertRule { Name = "retrain-failed", Kind = AlertRuleKind.RetrainFailed })
            .Add(new AlertRule { Name = "no metric", Kind = AlertRuleKind.QualityBelow, Threshold = 0.5 })
            .EvaluateEvery(TimeSpan.FromMilliseconds(1)));
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("EvaluationInterval", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("rule names must be unique", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("1 to 128 letters", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("needs a MetricName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_InvalidNotifierOptions_Fails()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMLOps().AddAlerting(a => a
            .OnDriftDetected()
            .AddWebhook(o => o.Url = new Uri("ftp://example.com/"))
            .AddEmail(o => { o.Host = "smtp.example.com"; o.From = "not an address"; }));
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        string failures = error is AggregateException aggregate
            ? string.Join("\n", aggregate.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures))
            : string.Join("\n", ((OptionsValidationException)error).Failures);
        Assert.True(failures.Contains("Url", StringComparison.Ordinal) && failures.Contains("recipient", StringComparison.Ordinal), error.ToString());
        Assert.Contains("From", failures, StringComparison.Ordinal);
        Assert.Contains("at least one recipient", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Builder_InvalidArguments_ThrowNamingTheParameter()
    {
        var services = new ServiceCollection();
        IMLOpsBuilder mlops = services.AddMLOps();

        mlops.AddAlerting(a =>
        {
            Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => a.OnErrorRateAbove(1.5)).ParamName);
            Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => a.OnQualityBelow("r2", double.NaN)).ParamName);
            Assert.Equal("metricName", Assert.Throws<ArgumentException>(() => a.OnQualityBelow(" ", 0.5)).ParamName);
            Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => a.OnLatencyP95Above(TimeSpan.Zero)).ParamName);
            Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => a.OnModelLoadFailed(window: TimeSpan.Zero)).ParamName);
            Assert.Equal("severity", Assert.Throws<ArgumentOutOfRangeException>(() => a.OnRetrainFailed((AlertSeverity)7)).ParamName);
            Assert.Equal("duration", Assert.Throws<ArgumentOutOfRangeException>(() => a.For(TimeSpan.FromSeconds(-1))).ParamName);
            Assert.Throws<ArgumentNullException>(() => a.Add(null!));
            a.AddWebhook(o => o.Url = new Uri("http://127.0.0.1/"));
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => a.AddWebhook(o => o.Url = new Uri("http://127.0.0.1/"))).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => a.AddSlack("log", _ => { })).ParamName);
        });
        Assert.Throws<ArgumentNullException>(() => mlops.AddAlerting(null!));
    }
}
