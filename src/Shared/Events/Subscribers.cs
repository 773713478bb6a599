namespace MLOps.Shared.Events;

/// <summary>
/// The subscribers of one kind of notification, behind an <c>IDisposable Subscribe(Action&lt;T&gt;)</c> method (the
/// idiom of <c>IModelRegistry.Subscribe</c> and <c>IOptionsMonitor.OnChange</c>). Handlers run on the thread that
/// raises, in subscription order; a handler that throws is reported to the failure callback and does not stop the
/// others. Subscribing and unsubscribing are thread-safe and never block a raise (copy-on-write array).
/// </summary>
/// <typeparam name="T">The notification.</typeparam>
/// <param name="onHandlerFailed">Called with the exception and the notification when a handler throws (typically a log call).</param>
internal sealed class Subscribers<T>(Action<Exception, T> onHandlerFailed)
{
    private readonly Lock _lock = new();
    private Action<T>[] _handlers = [];

    /// <summary>Gets whether any handler is subscribed (a raise with none does nothing).</summary>
    public bool Any => Volatile.Read(ref _handlers).Length > 0;

    /// <summary>Adds a handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>The subscription; dispose it to remove the handler.</returns>
    public IDisposable Subscribe(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            Volatile.Write(ref _handlers, [.. _handlers, handler]);
        }

        return new Subscription(this, handler);
    }

    /// <summary>Calls every handler with <paramref name="value"/>, isolating failures.</summary>
    /// <param name="value">The notification.</param>
    public void Raise(T value)
    {
        foreach (Action<T> handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(value);
            }
#pragma warning disable CA1031 // A failing subscriber must not stop the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onHandlerFailed(ex, value);
            }
        }
    }

    private void Unsubscribe(Action<T> handler)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                Volatile.Write(ref _handlers, [.. _handlers[..index], .. _handlers[(index + 1)..]]);
            }
        }
    }

    private sealed class Subscription(Subscribers<T> owner, Action<T> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
