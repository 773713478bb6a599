using Microsoft.Extensions.Hosting;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Prepares the schema when the host starts, so a wrong connection string, an unreachable server or a newer schema
/// fails the start with a clear error instead of the first registry call.
/// </summary>
internal sealed class PostgresRegistryHostedService(PostgresModelRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registry.EnsureInitializedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
