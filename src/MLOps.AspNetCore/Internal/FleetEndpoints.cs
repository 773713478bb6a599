using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MLOps.AspNetCore.Internal;

/// <summary><c>GET fleet</c>: which replica serves what, and which one leads.</summary>
internal static class FleetEndpoints
{
    public static void Map(RouteGroupBuilder group, IFleetView fleet)
    {
        group.MapGet("/fleet", async (HttpContext http) =>
            {
                IReadOnlyList<FleetReplica> replicas;
                try
                {
                    replicas = await fleet.GetReplicasAsync(http.RequestAborted).ConfigureAwait(false);
                }
                catch (ModelRegistryException e) when (e.ErrorCode == RegistryErrorCode.Storage)
                {
                    http.Response.Headers.RetryAfter = "5";
                    return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Fleet view unavailable", detail: e.Message);
                }

                FleetReplicaInfo[] infos = [.. replicas.Select(FleetReplicaInfo.From)];
                string? leader = infos.FirstOrDefault(r => r.IsLeader)?.ReplicaId;
                return Results.Json(new FleetInfo(fleet.ReplicaId, leader, infos), ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.GetFleet")
            .WithSummary("List the live replicas: host, process, start time, leadership and the version and variant of each model they serve.")
            .Produces<FleetInfo>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
