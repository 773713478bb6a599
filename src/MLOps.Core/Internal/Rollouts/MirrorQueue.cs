using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MLOps.Internal.Rollouts;

/// <summary>
/// The bounded queue between the callers and the candidate's background predictions (shadow and warm-up): a full queue
/// refuses the copy at once, so a caller never waits; one worker, started with the first copy, predicts them in order.
/// Disposing stops the worker after the prediction in progress; copies still queued are dropped.
/// </summary>
internal sealed class MirrorQueue<TIn, TOut> : IAsyncDisposable, IDisposable
    where TIn : class
    where TOut : class, new()
{
    private readonly Channel<MirrorItem<TIn, TOut>> _channel;
    private readonly Action<MirrorItem<TIn, TOut>> _process;
    private readonly ILogger _logger;
    private readonly string _modelName;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private Task? _worker;
    private bool _disposed;

    public MirrorQueue(int capacity, Action<MirrorItem<TIn, TOut>> process, ILogger logger, string modelName)
    {
        _channel = Channel.CreateBounded<MirrorItem<TIn, TOut>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,   // with TryWrite: refused (and counted) rather than waited for
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _process = process;
        _logger = logger;
        _modelName = modelName;
    }

    /// <summary>Gets how many copies wait.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Queues a copy; <see langword="false"/> when the queue is full (or stopped): the copy is dropped.</summary>
    public bool TryPost(in MirrorItem<TIn, TOut> item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            return false;
        }

        if (Volatile.Read(ref _worker) is null)
        {
            StartWorker();
        }

        return true;
    }

    private void StartWorker()
    {
        lock (_lock)
        {
            if (_worker is null && !_disposed)
            {
                Volatile.Write(ref _worker, Task.Run(RunAsync));
            }
        }
    }

    private async Task RunAsync()
    {
        ChannelReader<MirrorItem<TIn, TOut>> reader = _channel.Reader;
        CancellationToken stop = _stop.Token;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (!stop.IsCancellationRequested && reader.TryRead(out MirrorItem<TIn, TOut> item))
                {
                    try
                    {
                        _process(item);
                    }
#pragma warning disable CA1031 // one failed copy must never stop the worker; the processor counts prediction failures itself
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.MirrorFailed(_logger, ex, _modelName);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Stop() is { } worker)
        {
            await worker.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    public void Dispose()
    {
        Stop()?.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    private Task? Stop()
    {
        Task? worker;
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            _disposed = true;
            worker = _worker;
        }

        _channel.Writer.TryComplete();
        _stop.Cancel();
        return worker;
    }
}
