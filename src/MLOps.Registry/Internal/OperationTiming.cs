using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Registry.Internal;

/// <summary>
/// The operation-duration histogram both store decorators record (<c>mlops.registry.operation.duration</c>,
/// <c>mlops.tracking.operation.duration</c>): the same buckets, tags (operation, backend, outcome, <c>error.type</c>) and
/// timing of a call, whatever the store.
/// </summary>
internal sealed class OperationTiming
{
    // Store operations take from a fraction of a millisecond (a cached read) to minutes (a large upload).
    private static readonly double[] DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly string _operationTag;
    private readonly string _backendTag;

    public OperationTiming(Meter meter, string name, string description, string operationTag, string backendTag)
    {
        Histogram = meter.CreateHistogram(
            name, unit: "s", description: description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _operationTag = operationTag;
        _backendTag = backendTag;
    }

    public Histogram<double> Histogram { get; }

    /// <summary>Calls <paramref name="call"/> and records its duration and outcome (a failure is recorded and rethrown).</summary>
    public async Task<T> MeasureAsync<TTarget, TState, T>(
        string operation, string backend, TTarget target, TState state, Func<TTarget, TState, Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await call(target, state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(operation, backend, start, ex);
            throw;
        }

        Record(operation, backend, start, null);
        return result;
    }

    /// <summary>Records one operation that started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Record(string operation, string backend, long startTimestamp, Exception? error)
    {
        var tags = new TagList
        {
            { _operationTag, operation },
            { _backendTag, backend },
            { MLOpsTelemetry.Tags.Outcome, RegistryMetrics.Outcome(error) },
        };
        if (error is not null)
        {
            tags.Add(MLOpsTelemetry.Tags.ErrorType, error.GetType().FullName);
        }

        Histogram.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }
}
