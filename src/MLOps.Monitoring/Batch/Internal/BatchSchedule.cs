namespace MLOps.Monitoring.Batch.Internal;

/// <summary>One scheduled job: a model, when it is due (an epoch-aligned interval or a cron expression, UTC) and how far back it reads.</summary>
internal sealed record BatchSchedule(ModelName Model, TimeSpan? Interval, Cronos.CronExpression? Cron, TimeSpan Range)
{
    /// <summary>The first due time strictly after <paramref name="after"/>, or <see langword="null"/> when the cron expression has none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (Interval is { } interval)
        {
            long ticks = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            long next = (ticks / interval.Ticks + 1) * interval.Ticks;
            return DateTimeOffset.UnixEpoch.AddTicks(next);
        }

        return Cron!.GetNextOccurrence(after.ToUniversalTime(), TimeZoneInfo.Utc);
    }
}
