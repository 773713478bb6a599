using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MLOps.Internal.Rollouts;

/// <summary>
/// The bounded queue between the callers and the candidate's background predictions (shadow and warm-up): a full queue
/// refuses the copy at once, so a caller never waits; one worker, started with the first copy, predicts them in order.
/// Disposing (or the host stopping) stops the worker after the prediction in progress; copies still queued are dropped.
/// </summary>
/// <remarks>
/// While copies keep coming the worker polls the queue every <see cref="PollInterval"/> instead of waiting on it, so a
/// caller's write does not find a waiting reader to complete: completing one queues a thread-pool item and may wake a
/// thread (a system call), which with a worker faster than the callers is paid by nearly every mirrored request. A poll
/// that finds nothing sends the worker back to waiting on the queue (the timer stops ticking), and the next copy wakes
/// it: at more than one copy per interval the callers wake nothing, at fewer the worker wakes once per copy as a
/// waiting reader would, plus one empty poll. A copy waits at most about one interval before its shadow prediction:
/// off the caller's path, that delay changes nothing the caller or the analysis sees. The poll uses the system clock
/// (a scheduling detail, not a timeout).
/// </remarks>
internal sealed class MirrorQueue<TIn, TOut> : IAsyncDisposable, IDisposable
    where TIn : class
    where TOut : class, new()
{
    /// <summary>How often a busy worker looks for new copies.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    private readonly Channel<MirrorItem<TIn, TOut>> _channel;
    private readonly Action<MirrorItem<TIn, TOut>> _process;
    private readonly ILogger _logger;
    private readonly string _modelName;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly CancellationTokenRegistration _stopping;
    private Task? _worker;
    private bool _disposed;

    /// <param name="capacity">How many copies may wait.</param>
    /// <param name="process">Predicts one copy, on the worker.</param>
    /// <param name="logger">Logs a copy whose processing failed unexpectedly.</param>
    /// <param name="modelName">The model, for the log.</param>
    /// <param name="stopping">Stops the worker when it fires (the host's <c>ApplicationStopping</c>), as disposing does.</param>
    public MirrorQueue(int capacity, Action<MirrorItem<TIn, TOut>> process, ILogger logger, string modelName, CancellationToken stopping = default)
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
        _stopping = stopping.Register(static state => ((MirrorQueue<TIn, TOut>)state!).Stop(), this);
    }

    /// <summary>Gets a task that completes when the worker has stopped (at once if it never started), after a stop.</summary>
    internal Task Completion
    {
        get
        {
            lock (_lock)
            {
                return _worker ?? Task.CompletedTask;
            }
        }
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
                // The worker outlives the request that starts it: it must not keep that request's execution context
                // (its Activity, its async locals) alive, nor pass it to the poll timer.
                using (ExecutionContext.SuppressFlow())
                {
                    Volatile.Write(ref _worker, Task.Run(RunAsync));
                }
            }
        }
    }

    private async Task RunAsync()
    {
        ChannelReader<MirrorItem<TIn, TOut>> reader = _channel.Reader;
        CancellationToken stop = _stop.Token;
        PeriodicTimer? poll = null;
        try
        {
            // Waiting on the queue: the next copy wakes the worker.
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                // Polling while copies keep coming, so that callers find no waiting reader to wake; asleep, no ticks.
                if (poll is null)
                {
                    poll = new PeriodicTimer(PollInterval);
                }
                else
                {
                    poll.Period = PollInterval;
                }

                while (Drain(reader, stop))
                {
                    await poll.WaitForNextTickAsync(stop).ConfigureAwait(false);
                }

                poll.Period = Timeout.InfiniteTimeSpan;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped.
        }
        finally
        {
            poll?.Dispose();
        }
    }

    /// <summary>Predicts every queued copy; <see langword="true"/> if there was any.</summary>
    private bool Drain(ChannelReader<MirrorItem<TIn, TOut>> reader, CancellationToken stop)
    {
        bool any = false;
        while (!stop.IsCancellationRequested && reader.TryRead(out MirrorItem<TIn, TOut> item))
        {
            any = true;
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

        return any;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.DisposeAsync().ConfigureAwait(false);
        Stop();
        await Completion.ConfigureAwait(false);
        _stop.Dispose();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        Stop();
        Completion.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    /// <summary>Refuses new copies and stops the worker after the prediction in progress; the copies still queued are dropped.</summary>
    private void Stop()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _channel.Writer.TryComplete();
        _stop.Cancel();
    }
}
