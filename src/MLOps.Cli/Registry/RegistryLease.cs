namespace MLOps.Cli.Registry;

/// <summary>An open registry, disposed (connections, locks, watchers) when the command is done.</summary>
internal sealed class RegistryLease(ModelRegistry registry) : IDisposable
{
    public ModelRegistry Registry { get; } = registry;

    public void Dispose() => (Registry as IDisposable)?.Dispose();
}
