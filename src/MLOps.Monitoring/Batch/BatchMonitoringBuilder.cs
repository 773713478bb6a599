using MLOps.Monitoring.Batch.Internal;

namespace MLOps.Monitoring.Batch;

/// <summary>
/// Schedules batch monitoring jobs in the hosted service, used inside <c>AddBatchMonitoring(b => …)</c>. Each due
/// job runs on the fleet's leader only (<see cref="ILeaderElection"/>; a single process is always its own leader),
/// over the range that ends at its due time, and its report is published through <see cref="IBatchMonitor"/>.
/// </summary>
public sealed class BatchMonitoringBuilder
{
    internal BatchMonitoringBuilder()
    {
    }

    internal List<BatchSchedule> Schedules { get; } = [];

    /// <summary>
    /// Runs a job for <paramref name="model"/> every <paramref name="interval"/>, due at the multiples of the interval
    /// since the Unix epoch (UTC, on the application's <see cref="TimeProvider"/>), each over
    /// [due − <paramref name="range"/>, due).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="interval">How often the job runs (at least one second).</param>
    /// <param name="range">How far back each job reads; <see langword="null"/> for <paramref name="interval"/>, so consecutive jobs tile the log.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a valid model name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is less than one second, or <paramref name="range"/> is not positive.</exception>
    public BatchMonitoringBuilder Schedule(string model, TimeSpan interval, TimeSpan? range = null)
    {
        ModelName name = ParseModel(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        TimeSpan span = range ?? interval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero, nameof(range));
        Schedules.Add(new BatchSchedule(name, interval, null, span));
        return this;
    }

    /// <summary>
    /// Runs a job for <paramref name="model"/> on a cron schedule (five fields, UTC), for example <c>0 2 * * *</c> every
    /// day at 02:00 UTC, each over [due − <paramref name="range"/>, due).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="cronExpression">The cron expression.</param>
    /// <param name="range">How far back each job reads, for example one day for a daily job.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a valid model name, or <paramref name="cronExpression"/> is not a valid five-field cron expression.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="range"/> is not positive.</exception>
    public BatchMonitoringBuilder Schedule(string model, string cronExpression, TimeSpan range)
    {
        ModelName name = ParseModel(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(cronExpression);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(range, TimeSpan.Zero);
        Cronos.CronExpression cron;
        try
        {
            cron = Cronos.CronExpression.Parse(cronExpression);
        }
        catch (Cronos.CronFormatException e)
        {
            throw new ArgumentException($"'{cronExpression}' is not a valid cron expression: {e.Message}", nameof(cronExpression), e);
        }

        Schedules.Add(new BatchSchedule(name, null, cron, range));
        return this;
    }

    private static ModelName ParseModel(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return ModelName.TryParse(model, out ModelName name)
            ? name
            : throw new ArgumentException($"'{model}' is not a valid model name ({ModelName.Pattern}).", nameof(model));
    }
}
