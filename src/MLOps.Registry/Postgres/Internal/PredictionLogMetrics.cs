using System.Diagnostics.Metrics;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The PostgreSQL prediction log's instruments on the <c>MLOps</c> meter: rows written, batch duration, rows given up
/// after their retry, partitions dropped by retention.
/// </summary>
internal sealed class PredictionLogMetrics
{
    public const string Written = "mlops.prediction_log.written";
    public const string BatchDuration = "mlops.prediction_log.batch.duration";
    public const string Abandoned = "mlops.prediction_log.abandoned";
    public const string PartitionsDropped = "mlops.prediction_log.partitions.dropped";

    // A batch of up to 1024 rows takes milliseconds; a connection timeout, seconds.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _written;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _abandoned;
    private readonly Counter<long> _partitionsDropped;

    public PredictionLogMetrics(IMeterFactory? meterFactory)
    {
        // Without a factory (a log created outside DI, as in tests) the instruments exist but nobody can listen.
        Meter meter = meterFactory?.Create(MLOpsTelemetry.Name) ?? new Meter(MLOpsTelemetry.Name);
        _written = meter.CreateCounter<long>(Written, "{prediction}", "Predictions written to the PostgreSQL prediction log.");
        _duration = meter.CreateHistogram(
            BatchDuration, unit: "s", description: "Duration of each batch write (binary COPY) of the PostgreSQL prediction log.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _abandoned = meter.CreateCounter<long>(
            Abandoned, "{prediction}", "Predictions the PostgreSQL prediction log could not write, even on their one retry, and gave up.");
        _partitionsDropped = meter.CreateCounter<long>(
            PartitionsDropped, "{partition}", "Partitions of the predictions table dropped by retention.");
    }

    public void RecordBatch(int rows, double seconds, bool success)
    {
        if (success && rows > 0)
        {
            _written.Add(rows);
        }

        if (_duration.Enabled)
        {
            _duration.Record(seconds, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Outcome, success ? "success" : "failure"));
        }
    }

    public void RecordAbandoned(int rows) => _abandoned.Add(rows);

    public void RecordPartitionDropped() => _partitionsDropped.Add(1);
}
