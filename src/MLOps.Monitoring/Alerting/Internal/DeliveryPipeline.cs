using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// The delivery policy of one notifier: a Polly <see cref="ResiliencePipeline"/> of a retry (exponential backoff, with
/// jitter unless <see cref="AlertNotifierOptions.UseJitter"/> is off) around a per-attempt timeout, both timed by the
/// <see cref="TimeProvider"/>. Built from the notifier's <see cref="AlertNotifierOptions"/> and rebuilt when the options
/// monitor hands out a new instance.
/// </summary>
/// <remarks>
/// Options to pipeline: <see cref="AlertNotifierOptions.MaxAttempts"/> − 1 → the retry strategy's <c>MaxRetryAttempts</c>
/// (no retry strategy for 1), <see cref="AlertNotifierOptions.RetryDelay"/> → <c>Delay</c>,
/// <see cref="AlertNotifierOptions.MaxRetryDelay"/> → <c>MaxDelay</c>, <see cref="AlertNotifierOptions.UseJitter"/> →
/// <c>UseJitter</c>, <see cref="AlertNotifierOptions.AttemptTimeout"/> → the timeout strategy's <c>Timeout</c>.
/// Retried: what the notifier calls transient, an attempt that timed out and any other cancellation the caller did not ask
/// for; a server's Retry-After (see <see cref="RetryAfterKey"/>) replaces the computed wait, capped at
/// <see cref="AlertNotifierOptions.MaxRetryDelay"/>. When every attempt failed, the last failure is wrapped in an
/// <see cref="AlertDeliveryException"/>; a failure that is not retried is thrown as it is.
/// </remarks>
internal sealed class DeliveryPipeline
{
    /// <summary>
    /// The <see cref="Exception.Data"/> key under which a failure carries the server's Retry-After: a <see cref="TimeSpan"/>
    /// (how long to wait) or a <see cref="DateTimeOffset"/> (when to try again).
    /// </summary>
    public const string RetryAfterKey = "MLOps.Alerting.RetryAfter";

    /// <summary>The pipeline name (Polly's <c>pipeline.name</c> telemetry tag when a telemetry listener is configured); the instance name is the notifier's.</summary>
    public const string PipelineName = "MLOps.Alerting";

    private readonly string _notifier;
    private readonly Func<Exception, bool> _isTransient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<double>? _randomizer;
    private Built? _built;

    /// <param name="notifier">The notifier name, for messages and logs.</param>
    /// <param name="isTransient">Whether a failure of an attempt is worth another attempt.</param>
    /// <param name="timeProvider">The clock of timeouts and waits.</param>
    /// <param name="logger">Receives event 406 before each retry.</param>
    /// <param name="randomizer">The jitter's random numbers in [0, 1); <see langword="null"/> uses Polly's. Tests only.</param>
    public DeliveryPipeline(string notifier, Func<Exception, bool> isTransient, TimeProvider timeProvider, ILogger logger, Func<double>? randomizer = null)
    {
        _notifier = notifier;
        _isTransient = isTransient;
        _timeProvider = timeProvider;
        _logger = logger;
        _randomizer = randomizer;
    }

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good or the attempts run out.</summary>
    /// <exception cref="AlertDeliveryException">Every attempt failed with a retried failure (the inner exception is the last; a timeout is a <see cref="TimeoutException"/>).</exception>
    public async Task RunAsync(AlertNotifierOptions options, Func<CancellationToken, Task> attempt, CancellationToken cancellationToken)
    {
        Built built = Get(options);
        try
        {
            await built.Pipeline.ExecuteAsync(static (attempt, ct) => new ValueTask(attempt(ct)), attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsRetried(ex))
        {
            Exception failure = Describe(ex, options.MaxAttempts - 1, options.AttemptTimeout);
            throw new AlertDeliveryException($"Notifier '{_notifier}' gave up after {options.MaxAttempts} attempt(s): {failure.Message}", failure);
        }
    }

    private Built Get(AlertNotifierOptions options)
    {
        Built? built = Volatile.Read(ref _built);
        if (built is null || !ReferenceEquals(built.Options, options))
        {
            built = new Built(options, Build(options));
            Volatile.Write(ref _built, built); // a race builds twice; both pipelines are equal
        }

        return built;
    }

    private ResiliencePipeline Build(AlertNotifierOptions options)
    {
        var builder = new ResiliencePipelineBuilder
        {
            Name = PipelineName,
            InstanceName = _notifier,
            TimeProvider = _timeProvider,
        };

        if (options.MaxAttempts > 1)
        {
            var retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested && IsRetried(ex)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception, options.MaxRetryDelay)),
                OnRetry = args =>
                {
                    Exception failure = Describe(args.Outcome.Exception!, args.AttemptNumber, options.AttemptTimeout);
                    Log.NotificationRetry(_logger, _notifier, args.AttemptNumber + 1, options.MaxAttempts, failure.Message, args.RetryDelay);
                    return default;
                },
            };
            if (_randomizer is not null)
            {
                retry.Randomizer = _randomizer;
            }

            builder.AddRetry(retry);
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    private bool IsRetried(Exception exception) => exception is OperationCanceledException or TimeoutRejectedException || _isTransient(exception);

    /// <summary>The server's Retry-After as a wait from now, at most <paramref name="max"/>; <see langword="null"/> lets the backoff decide.</summary>
    private TimeSpan? RetryAfter(Exception? failure, TimeSpan max)
    {
        TimeSpan wait;
        switch (failure?.Data[RetryAfterKey])
        {
            case TimeSpan delta:
                wait = delta;
                break;
            case DateTimeOffset at:
                wait = at - _timeProvider.GetUtcNow();
                break;
            default:
                return null;
        }

        return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < max ? wait : max;
    }

    /// <summary>The failure as logged and reported: a timed-out attempt becomes a <see cref="TimeoutException"/> that names it.</summary>
    private Exception Describe(Exception failure, int attemptIndex, TimeSpan timeout) => failure is TimeoutRejectedException
        ? new TimeoutException($"Notifier '{_notifier}': attempt {attemptIndex + 1} timed out after {AlertEngine.Duration(timeout)}.", failure)
        : failure;

    private sealed record Built(AlertNotifierOptions Options, ResiliencePipeline Pipeline);
}
