using Microsoft.Extensions.Hosting;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Creates the fleet's instruments when the host starts (their gauges observe the election and the heartbeat).</summary>
internal sealed class PostgresFleetHostedService(FleetMetrics metrics) : IHostedService
{
    internal FleetMetrics Metrics { get; } = metrics;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
