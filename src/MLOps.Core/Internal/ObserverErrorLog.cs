using Microsoft.Extensions.Logging;

namespace MLOps.Internal;

/// <summary>
/// Logs observer failures at most once per interval per model; failures in between are counted and reported with
/// the next logged one, so a broken observer cannot flood the logs.
/// </summary>
internal sealed class ObserverErrorLog
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly long _intervalTicks;
    private long _nextLogTimestamp = long.MinValue;
    private long _suppressed;

    public ObserverErrorLog(ILogger logger, TimeProvider timeProvider, TimeSpan interval)
    {
        _logger = logger;
        _timeProvider = timeProvider;
        _intervalTicks = (long)(interval.TotalSeconds * timeProvider.TimestampFrequency);
    }

    internal long Suppressed => Interlocked.Read(ref _suppressed);

    public void Report(Exception exception, string observer, string modelName)
    {
        long now = _timeProvider.GetTimestamp();
        long next = Interlocked.Read(ref _nextLogTimestamp);
        if (now < next || Interlocked.CompareExchange(ref _nextLogTimestamp, now + _intervalTicks, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }

        Log.ObserverFailed(_logger, exception, observer, modelName, Interlocked.Exchange(ref _suppressed, 0));
    }
}
