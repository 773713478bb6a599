using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Runs one delivery with a per-attempt timeout and exponential backoff between attempts (waits measured by the <see cref="TimeProvider"/>).</summary>
internal static class DeliveryRetry
{
    public static async Task RunAsync(
        string notifier,
        AlertNotifierOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        Func<CancellationToken, Task> attempt,
        Func<Exception, bool> isTransient,
        CancellationToken cancellationToken)
    {
        TimeSpan delay = options.RetryDelay;
        for (int number = 1; ; number++)
        {
            Exception failure;
            using (var timeout = new CancellationTokenSource(options.AttemptTimeout, timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    await attempt(linked.Token).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new TimeoutException($"Notifier '{notifier}': attempt {number} timed out after {AlertEngine.Duration(options.AttemptTimeout)}.", ex);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && isTransient(ex))
                {
                    failure = ex;
                }
            }

            if (number >= options.MaxAttempts)
            {
                throw new AlertDeliveryException($"Notifier '{notifier}' gave up after {number} attempt(s): {failure.Message}", failure);
            }

            Log.NotificationRetry(logger, notifier, number, options.MaxAttempts, failure.Message, delay);
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
        }
    }
}
