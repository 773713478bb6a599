using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Alerting;

public class DeliveryRetryTests
{
    [Fact]
    public async Task RunAsync_TransientFailures_BackOffExponentiallyUpToTheCap_OnTheTimeProvider()
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        var options = new WebhookNotifierOptions
        {
            MaxAttempts = 4,
            RetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
            AttemptTimeout = TimeSpan.FromMinutes(1),
        };
        int attempts = 0;

        Task run = DeliveryRetry.RunAsync(
            "test", options, time, logger, _ => { Interlocked.Increment(ref attempts); throw new IOException("connection reset"); }, _ => true, CancellationToken.None);

        Assert.Equal(1, Volatile.Read(ref attempts));
        foreach ((TimeSpan wait, int expected) in new[] { (TimeSpan.FromSeconds(1), 2), (TimeSpan.FromSeconds(2), 3), (TimeSpan.FromSeconds(3), 4) })
        {
            await Eventually.HoldsAsync(() => logger.Collector.Count == expected - 1, $"retry {expected - 1} scheduled");
            time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(expected - 1, Volatile.Read(ref attempts));
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.HoldsAsync(() => Volatile.Read(ref attempts) == expected, $"attempt {expected} after {wait}");
        }

        var error = await Assert.ThrowsAsync<AlertDeliveryException>(() => run);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(["00:00:01", "00:00:02", "00:00:03"], logger.Collector.GetSnapshot().Select(r => r.StructuredState!.Single(s => s.Key == "Delay").Value));
    }

    [Fact]
    public async Task RunAsync_NonTransientFailure_IsThrownAtOnce()
    {
        var options = new SlackNotifierOptions { MaxAttempts = 5 };
        int attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => DeliveryRetry.RunAsync(
            "test", options, TimeProvider.System, new FakeLogger(), _ => { attempts++; throw new InvalidOperationException("bad request"); }, _ => false, CancellationToken.None));

        Assert.Equal(1, attempts);
    }
}
