using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Queues predictions for the durable <see cref="IPredictionLog"/> (a bounded channel of structs: enqueuing allocates
/// nothing) and writes them in batches from the background service. When the queue is full, new predictions are
/// dropped and counted in <c>mlops.prediction_log.dropped</c>; serving never waits for the log.
/// </summary>
/// <remarks>
/// Below a full batch the writer gathers for <see cref="GatherDelay"/> after the first prediction arrives, then
/// writes what came: at moderate traffic one write per 50 ms instead of one per handful of predictions (each write is
/// a round trip and a <c>COPY</c> on PostgreSQL, whose CPU the serving process shares on a small machine). A full
/// batch is written at once. Feedback for a prediction still in the queue waits for it (see the fleet feedback sink).
/// </remarks>
internal sealed class PredictionLogWriter : IDisposable
{
    internal const int QueueCapacity = 65_536;
    internal const int BatchSize = 1024;

    /// <summary>How long the writer lets a partial batch gather before writing it.</summary>
    internal static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(50);

    private readonly Channel<PredictionRecord>? _queue;
    private readonly QualityInstruments _instruments;
    private readonly ILogger _logger;
    private readonly List<PredictionRecord> _batch = new(BatchSize);
    private readonly SemaphoreSlim _drainLock = new(1, 1);

    public PredictionLogWriter(IPredictionLog? log, QualityInstruments instruments, ILogger logger)
    {
        Log = log;
        _instruments = instruments;
        _logger = logger;
        if (log is not null)
        {
            _queue = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            });
        }
    }

    public IPredictionLog? Log { get; }

    public void Dispose() => _drainLock.Dispose();

    public bool Enabled => _queue is not null;

    public void TryEnqueue(in PredictionRecord record)
    {
        if (_queue is not null && !_queue.Writer.TryWrite(record))
        {
            _instruments.PredictionLogDropped.Add(1);
        }
    }

    /// <summary>Waits for queued predictions and writes them until canceled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return;
        }

        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_queue.Reader.Count < BatchSize)
            {
                // Waiting here, not on the channel: the predictions of the next 50 ms are enqueued without waking us.
                await Task.Delay(GatherDelay, cancellationToken).ConfigureAwait(false);
            }

            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes every prediction queued so far (also used at shutdown).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        if (_queue is null)
        {
            return;
        }

        await _drainLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                _batch.Clear();
                while (_batch.Count < BatchSize && _queue.Reader.TryRead(out PredictionRecord record))
                {
                    _batch.Add(record);
                }

                if (_batch.Count == 0)
                {
                    return;
                }

                try
                {
                    await Log!.AppendAsync(_batch, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Quality.Internal.Log.PredictionLogWriteFailed(_logger, ex, _batch.Count);
                    _instruments.PredictionLogDropped.Add(_batch.Count);
                }
            }
        }
        finally
        {
            _drainLock.Release();
        }
    }
}
