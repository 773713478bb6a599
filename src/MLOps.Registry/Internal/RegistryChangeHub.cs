using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MLOps.Shared.Events;

namespace MLOps.Registry.Internal;

/// <summary>
/// The one subscriber list of a registry (<see cref="ModelRegistry.Subscribe"/>): delivers changes to subscribers on one
/// background task, in the order they were raised, so a mutation never waits for (or is broken by) a subscriber; a
/// subscriber that throws is logged and the others still run (<see cref="Subscribers{T}"/>, the idiom shared with
/// Monitoring).
/// </summary>
internal sealed class RegistryChangeHub
{
    private readonly Channel<RegistryChange> _queue = Channel.CreateUnbounded<RegistryChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Subscribers<RegistryChange> _subscribers;
    private readonly Lock _lock = new();
    private Task? _pump;
    private volatile bool _closed;

    public RegistryChangeHub(ILogger logger) =>
        _subscribers = new Subscribers<RegistryChange>((ex, change) => Log.SubscriberFailed(logger, ex, change.Kind, change.Name.Value));

    /// <summary>Gets whether <see cref="Close"/> was called: no further subscriptions are accepted.</summary>
    public bool IsClosed => _closed;

    public IDisposable Subscribe(Action<RegistryChange> handler)
    {
        IDisposable subscription = _subscribers.Subscribe(handler);
        lock (_lock)
        {
            _pump ??= Task.Run(PumpAsync);
        }

        return subscription;
    }

    public void Raise(RegistryChange change)
    {
        if (_subscribers.Any)
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

    private async Task PumpAsync()
    {
        await foreach (RegistryChange change in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _subscribers.Raise(change);
        }
    }
}
