using Microsoft.Extensions.Hosting;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Prepares the tracking tables when the host starts (the same migrations as the registry, under the same advisory
/// lock), so a wrong connection string or a newer schema fails the start instead of the first tracking call.
/// </summary>
internal sealed class PostgresTrackingHostedService(PostgresExperimentTracker tracker) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => tracker.EnsureInitializedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
