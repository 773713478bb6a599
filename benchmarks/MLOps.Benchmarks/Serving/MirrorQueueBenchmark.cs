using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Diagnosers;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Internal.Rollouts;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// The caller's side of mirroring a request to a shadow: a request's own work (a spin of about a microsecond, as a
/// request between two mirrored predictions), then handing a copy to <see cref="MirrorQueue{TIn, TOut}"/>, against the
/// same work alone (baseline) and against the former queue (a bounded channel whose worker awaits
/// <c>WaitToReadAsync</c>). The worker is faster than the callers, so with the former queue nearly every copy found a
/// waiting reader and paid to wake it: a thread-pool work item (the Completed Work Items column) and often a thread wake.
/// Target: no allocation and no work item per copy.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class MirrorQueueBenchmark
{
    private const int RequestSpin = 50;

    // Large enough that neither queue fills between two polls of the worker (a refused post would be cheaper).
    private const int Capacity = 65_536;

    private static readonly TripInput Input = BenchModel.Input;

    private MirrorQueue<TripInput, TripPrediction> _queue = null!;
    private Channel<MirrorItem<TripInput, TripPrediction>> _former = null!;
    private CancellationTokenSource _stop = null!;
    private Task _formerWorker = null!;
    private long _processed;

    [GlobalSetup]
    public void Setup()
    {
        _queue = new MirrorQueue<TripInput, TripPrediction>(
            Capacity, _ => Interlocked.Increment(ref _processed), NullLogger.Instance, "trip-duration");
        _former = Channel.CreateBounded<MirrorItem<TripInput, TripPrediction>>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _stop = new CancellationTokenSource();
        _formerWorker = Task.Run(async () =>
        {
            ChannelReader<MirrorItem<TripInput, TripPrediction>> reader = _former.Reader;
            try
            {
                while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out _))
                    {
                        Interlocked.Increment(ref _processed);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _queue.Dispose();
        _stop.Cancel();
        _formerWorker.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    [Benchmark(Baseline = true, Description = "request work alone")]
    public void RequestOnly() => Thread.SpinWait(RequestSpin);

    [Benchmark(Description = "request work + MirrorQueue.TryPost")]
    public bool MirrorQueuePost()
    {
        Thread.SpinWait(RequestSpin);
        return _queue.TryPost(new MirrorItem<TripInput, TripPrediction>(Input, default, null!, IsWarmup: false));
    }

    [Benchmark(Description = "request work + former queue (channel, awaiting reader)")]
    public bool FormerPost()
    {
        Thread.SpinWait(RequestSpin);
        return _former.Writer.TryWrite(new MirrorItem<TripInput, TripPrediction>(Input, default, null!, IsWarmup: false));
    }
}
