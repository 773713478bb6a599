using System.Diagnostics.Metrics;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The fleet's instruments on the <c>MLOps</c> meter: <c>mlops.leader</c> and <c>mlops.fleet.replicas</c>.</summary>
internal sealed class FleetMetrics
{
    public const string Leader = "mlops.leader";
    public const string Replicas = "mlops.fleet.replicas";

    public FleetMetrics(IMeterFactory meterFactory, ILeaderElection leadership, PostgresFleetHeartbeat? heartbeat)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(MLOpsTelemetry.Name);
        meter.CreateObservableGauge(Leader, () => leadership.IsLeader ? 1 : 0, "{leader}", "1 while this replica is the fleet's leader, else 0.");
        if (heartbeat is not null)
        {
            meter.CreateObservableGauge(
                Replicas,
                () => heartbeat.LiveReplicas is >= 0 and int live ? [new Measurement<int>(live)] : Array.Empty<Measurement<int>>(),
                "{replica}",
                "Replicas whose heartbeat is recent (as this replica's last heartbeat counted them).");
        }
    }
}
