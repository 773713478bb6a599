using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Internal;

/// <summary>
/// The one subscriber list of a registry (<see cref="ModelRegistry.Subscribe"/>): delivers changes to subscribers on one
/// background task, in the order they were raised, so a mutation never waits for (or is broken by) a subscriber; a
/// subscriber that throws is logged and the others still run.
/// </summary>
internal sealed class RegistryChangeHub
{
    private readonly Channel<RegistryChange> _queue = Channel.CreateUnbounded<RegistryChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Action<RegistryChange>[] _handlers = [];
    private Task? _pump;
    private volatile bool _closed;

    public RegistryChangeHub(ILogger logger) => _logger = logger;

    /// <summary>Gets whether <see cref="Close"/> was called: no further subscriptions are accepted.</summary>
    public bool IsClosed => _closed;

    public IDisposable Subscribe(Action<RegistryChange> handler)
    {
        lock (_lock)
        {
            _handlers = [.. _handlers, handler];
            _pump ??= Task.Run(PumpAsync);
        }

        return new Subscription(this, handler);
    }

    public void Raise(RegistryChange change)
    {
        if (Volatile.Read(ref _handlers).Length > 0)
        {
            _queue.Writer.TryWrite(change);
        }
    }

    /// <summary>Stops delivering: changes already raised are still delivered, later ones are dropped.</summary>
    public void Close()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    private void Unsubscribe(Action<RegistryChange> handler)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    private async Task PumpAsync()
    {
        await foreach (RegistryChange change in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (Action<RegistryChange> handler in Volatile.Read(ref _handlers))
            {
                try
                {
                    handler(change);
                }
#pragma warning disable CA1031 // A failing subscriber must not stop the others.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.SubscriberFailed(_logger, ex, change.Kind, change.Name.Value);
                }
            }
        }
    }

    private sealed class Subscription(RegistryChangeHub hub, Action<RegistryChange> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Unsubscribe(handler);
            }
        }
    }
}
