using Microsoft.Extensions.Primitives;

namespace MLOps.Internal;

/// <summary>
/// The change-token source of a model source: <see cref="GetToken"/> hands out a token that <see cref="Signal"/> fires
/// (and replaces with a fresh one), in the <see cref="CancellationChangeToken"/> pattern of Microsoft.Extensions.Primitives.
/// After <see cref="Dispose"/>, <see cref="Signal"/> does nothing.
/// </summary>
internal sealed class ChangeSignal : IDisposable
{
    private readonly object _lock = new();
    private CancellationTokenSource _cts = new();
    private bool _disposed;

    public IChangeToken GetToken()
    {
        lock (_lock)
        {
            return new CancellationChangeToken(_cts.Token);
        }
    }

    public void Signal()
    {
        CancellationTokenSource fired;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            fired = _cts;
            _cts = new CancellationTokenSource();
        }

        // Not disposed: consumers may still register on the fired token, which then runs their callback at once.
        fired.Cancel();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }
}
