using System.Text;
using BenchmarkDotNet.Attributes;

namespace MLOps.Benchmarks.Tracking;

/// <summary>
/// Cost of logging metrics to the file-system tracker (run lock file, status check of <c>run.json</c>, JSON line
/// appended) next to a bare append of the same line to a file, and of a 100-point batch (one lock for all points).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class TrackingBenchmark
{
    private static readonly byte[] Line = Encoding.UTF8.GetBytes("{\"key\":\"loss\",\"value\":0.25,\"step\":7,\"timestamp\":\"2026-01-01T00:00:00+00:00\"}\n");

    private string _root = null!;
    private string _bareFile = null!;
    private FileSystemExperimentTracker _tracker = null!;
    private string _runId = null!;
    private MetricPoint[] _batch = null!;
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "mlops-tracking-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _bareFile = Path.Combine(_root, "bare.jsonl");
        _tracker = new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = _root });
        _runId = _tracker.StartRunAsync("bench").GetAwaiter().GetResult().RunId;
        _batch = [.. Enumerable.Range(0, 100).Select(i => new MetricPoint("batch", i, i, DateTimeOffset.UnixEpoch))];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true, Description = "bare file append of one line")]
    public void BareAppend()
    {
        using var stream = new FileStream(_bareFile, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Line);
    }

    [Benchmark(Description = "LogMetricAsync (one point)")]
    public Task LogMetric() => _tracker.LogMetricAsync(_runId, "loss", 0.25, _step++);

    [Benchmark(Description = "LogMetricsAsync (100 points)")]
    public Task LogMetricsBatch() => _tracker.LogMetricsAsync(_runId, _batch);
}
