using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Alerting;

/// <summary>The Polly pipeline every built-in notifier delivers through, on a <see cref="FakeTimeProvider"/>.</summary>
public class DeliveryPipelineTests
{
    [Fact]
    public async Task RunAsync_TransientFailures_WithoutJitter_BackOffExponentiallyUpToTheCap_OnTheTimeProvider()
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        var options = new WebhookNotifierOptions
        {
            MaxAttempts = 4,
            RetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
            AttemptTimeout = TimeSpan.FromMinutes(1),
            UseJitter = false,
        };
        int attempts = 0;

        Task run = new DeliveryPipeline("test", _ => true, time, logger).RunAsync(
            options, _ => { Interlocked.Increment(ref attempts); throw new IOException("connection reset"); }, CancellationToken.None);

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
        Assert.Equal("Notifier 'test' gave up after 4 attempt(s): connection reset", error.Message);
        Assert.Equal(["00:00:01", "00:00:02", "00:00:03"], logger.Collector.GetSnapshot().Select(r => r.StructuredState!.Single(s => s.Key == "Delay").Value));
        Assert.Equal(["1", "2", "3"], logger.Collector.GetSnapshot().Select(r => r.StructuredState!.Single(s => s.Key == "Attempt").Value));
        Assert.All(logger.Collector.GetSnapshot(), r => Assert.Equal(406, r.Id.Id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RunAsync_WithJitter_EachWaitIsWithinItsBoundAndTheCap_AndTheNextAttemptStartsExactlyThen(int seed)
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        var options = new SlackNotifierOptions
        {
            MaxAttempts = 7,
            RetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(20),
            AttemptTimeout = TimeSpan.FromMinutes(1),
        };
        var random = new Random(seed);
        var started = new List<DateTimeOffset>();

        Task run = new DeliveryPipeline("test", _ => true, time, logger, random.NextDouble).RunAsync(
            options, _ => { lock (started) { started.Add(time.GetUtcNow()); } throw new IOException("connection reset"); }, CancellationToken.None);

        var waits = new List<TimeSpan>();
        for (int n = 1; n < options.MaxAttempts; n++)
        {
            await Eventually.HoldsAsync(() => logger.Collector.Count == n, $"retry {n} scheduled");
            TimeSpan wait = TimeSpan.Parse((string)logger.Collector.LatestRecord.StructuredState!.Single(s => s.Key == "Delay").Value!, System.Globalization.CultureInfo.InvariantCulture);
            waits.Add(wait);
            TimeSpan bound = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, n), options.MaxRetryDelay.TotalSeconds));
            Assert.InRange(wait, TimeSpan.Zero, bound);

            // FakeTimeProvider, like real timers, fires at whole milliseconds: the wait is due after its whole milliseconds.
            TimeSpan due = TimeSpan.FromMilliseconds(Math.Floor(wait.TotalMilliseconds));
            if (due > TimeSpan.Zero)
            {
                time.Advance(due - TimeSpan.FromTicks(1));
                Assert.Equal(n, Count(started));
                time.Advance(wait - due + TimeSpan.FromTicks(1));
            }
            else
            {
                time.Advance(wait);
            }

            await Eventually.HoldsAsync(() => Count(started) == n + 1, $"attempt {n + 1} after {wait}");
            Assert.Equal(AlertingHarness.Start + waits.Aggregate(TimeSpan.Zero, (a, b) => a + b), started[n]);
        }

        await Assert.ThrowsAsync<AlertDeliveryException>(() => run);
        Assert.NotEqual([1, 2, 4, 8, 16, 20], waits.Select(w => w.TotalSeconds));
        Assert.True(waits.Skip(3).Average(w => w.TotalSeconds) > waits.Take(3).Average(w => w.TotalSeconds), $"waits grow: {string.Join(", ", waits)}");

        static int Count(List<DateTimeOffset> list)
        {
            lock (list)
            {
                return list.Count;
            }
        }
    }

    [Fact]
    public async Task RunAsync_WithJitter_SpreadsTheFirstWaitOverInstances()
    {
        var options = new WebhookNotifierOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromSeconds(1) };
        var firstWaits = new HashSet<TimeSpan>();
        for (int i = 0; i < 20; i++)
        {
            using var cancel = new CancellationTokenSource();
            var logger = new FakeLogger();
            Task run = new DeliveryPipeline("test", _ => true, new FakeTimeProvider(AlertingHarness.Start), logger).RunAsync(
                options, _ => throw new IOException("connection reset"), cancel.Token);
            await Eventually.HoldsAsync(() => logger.Collector.Count == 1, "retry scheduled");
            firstWaits.Add(TimeSpan.Parse((string)logger.Collector.LatestRecord.StructuredState!.Single(s => s.Key == "Delay").Value!, System.Globalization.CultureInfo.InvariantCulture));
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        Assert.True(firstWaits.Count > 10, $"20 instances waited {firstWaits.Count} distinct times before their second attempt");
        Assert.All(firstWaits, w => Assert.InRange(w, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task RunAsync_AttemptTimeout_IsMeasuredOnTheTimeProvider_AndGivesUpWithATimeoutException()
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        var options = new EmailNotifierOptions
        {
            MaxAttempts = 2,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            RetryDelay = TimeSpan.FromSeconds(1),
            UseJitter = false,
        };
        int attempts = 0;

        Task run = new DeliveryPipeline("mail", _ => false, time, logger).RunAsync(
            options, ct => { Interlocked.Increment(ref attempts); return Task.Delay(Timeout.Infinite, ct); }, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, logger.Collector.Count);
        time.Advance(TimeSpan.FromTicks(1));
        await Eventually.HoldsAsync(() => logger.Collector.Count == 1, "the first attempt timed out");
        Assert.Equal(
            "Notifier mail: attempt 1 of 2 failed (Notifier 'mail': attempt 1 timed out after 5 s.); retrying in 00:00:01.",
            logger.Collector.LatestRecord.Message);

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => Volatile.Read(ref attempts) == 2, "the second attempt started");
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<AlertDeliveryException>(() => run);
        Assert.Equal("Notifier 'mail' gave up after 2 attempt(s): Notifier 'mail': attempt 2 timed out after 5 s.", error.Message);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_StopsWithoutRetryingOrWrapping()
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        using var cancel = new CancellationTokenSource();
        int attempts = 0;

        Task run = new DeliveryPipeline("test", _ => true, time, logger).RunAsync(
            new WebhookNotifierOptions(), ct => { Interlocked.Increment(ref attempts); return Task.Delay(Timeout.Infinite, ct); }, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, attempts);
        Assert.Equal(0, logger.Collector.Count);
    }

    [Fact]
    public async Task RunAsync_NonTransientFailure_IsThrownAtOnce()
    {
        var options = new SlackNotifierOptions { MaxAttempts = 5 };
        int attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => new DeliveryPipeline("test", _ => false, TimeProvider.System, new FakeLogger()).RunAsync(
            options, _ => { attempts++; throw new InvalidOperationException("bad request"); }, CancellationToken.None));

        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task RunAsync_HttpClientError_IsNotRetried(HttpStatusCode status)
    {
        var logger = new FakeLogger();
        int attempts = 0;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new DeliveryPipeline("test", HttpAlertClient.IsTransient, TimeProvider.System, logger).RunAsync(
            new WebhookNotifierOptions { MaxAttempts = 5 }, _ => { attempts++; throw new HttpRequestException("no", null, status); }, CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(1, attempts);
        Assert.Equal(0, logger.Collector.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public void IsTransient_ServerErrorsTimeoutsAndThrottling_AreRetried(HttpStatusCode status) =>
        Assert.True(HttpAlertClient.IsTransient(new HttpRequestException("no", null, status)));

    [Fact]
    public void IsTransient_ConnectionFailures_AreRetried()
    {
        Assert.True(HttpAlertClient.IsTransient(new HttpRequestException("connection refused")));
        Assert.True(HttpAlertClient.IsTransient(new IOException("reset")));
        Assert.False(HttpAlertClient.IsTransient(new InvalidOperationException()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_RetryAfter_ReplacesTheBackoff_ButNotBeyondMaxRetryDelay(bool asDate)
    {
        var time = new FakeTimeProvider(AlertingHarness.Start);
        var logger = new FakeLogger();
        var options = new WebhookNotifierOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        int attempts = 0;

        Task run = new DeliveryPipeline("test", HttpAlertClient.IsTransient, time, logger).RunAsync(options, _ =>
        {
            int number = Interlocked.Increment(ref attempts);
            var error = new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests);
            TimeSpan after = number == 1 ? TimeSpan.FromSeconds(7) : TimeSpan.FromMinutes(5);
            error.Data[DeliveryPipeline.RetryAfterKey] = asDate ? time.GetUtcNow() + after : after;
            throw error;
        }, CancellationToken.None);

        await Eventually.HoldsAsync(() => logger.Collector.Count == 1, "retry 1 scheduled");
        time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        Assert.Equal(1, Volatile.Read(ref attempts));
        time.Advance(TimeSpan.FromTicks(1));
        await Eventually.HoldsAsync(() => logger.Collector.Count == 2, "retry 2 scheduled");
        time.Advance(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<AlertDeliveryException>(() => run);
        Assert.Equal(["00:00:07", "00:00:30"], logger.Collector.GetSnapshot().Select(r => r.StructuredState!.Single(s => s.Key == "Delay").Value));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(600_000, true)]
    [InlineData(600_001, false)]
    public async Task Validate_AttemptTimeout_AcceptsWhatThePipelineAccepts(int milliseconds, bool valid)
    {
        var options = new WebhookNotifierOptions { Url = new Uri("https://hooks.example.com/"), AttemptTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        Microsoft.Extensions.Options.ValidateOptionsResult result = new NotifierOptionsValidator().Validate("webhook", options);

        Assert.Equal(valid, result.Succeeded);
        if (valid)
        {
            await new DeliveryPipeline("webhook", _ => false, TimeProvider.System, new FakeLogger()).RunAsync(options, _ => Task.CompletedTask, CancellationToken.None);
        }
        else
        {
            Assert.Contains("AttemptTimeout", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
