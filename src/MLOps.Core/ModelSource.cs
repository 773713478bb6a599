using Microsoft.Extensions.Primitives;

namespace MLOps;

/// <summary>
/// Where a served model comes from: a file, an in-memory transformer, or a registry alias. The serving pipeline asks
/// the source for the current model at startup and again whenever the source's change token fires.
/// </summary>
/// <remarks>
/// Implement this to serve models from a place the SDK does not know; register it with
/// <see cref="ModelServingBuilder{TIn, TOut}.FromSource(Func{IServiceProvider, ModelSource})"/>. A source is used by one
/// model only and is disposed with it.
/// </remarks>
public abstract class ModelSource : IDisposable
{
    /// <summary>Gets a short description for logs and errors, such as <c>file '/models/taxi.zip'</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Loads the model the source currently designates.</summary>
    /// <param name="context">The ML.NET context and what is currently served.</param>
    /// <param name="cancellationToken">A token that cancels the load.</param>
    /// <returns>
    /// The loaded model, or <see langword="null"/> when the source still designates what is currently served
    /// (<see cref="ModelLoadContext.CurrentFingerprint"/>), so nothing needs to be swapped.
    /// </returns>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    public abstract ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Returns a token that fires when the source may designate a different model. A new token is requested after each
    /// notification. The default returns <see langword="null"/>: the source never changes.
    /// </summary>
    /// <returns>A change token, or <see langword="null"/>.</returns>
    public virtual IChangeToken? Watch() => null;

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the resources of the source (watchers, timers, connections).</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
