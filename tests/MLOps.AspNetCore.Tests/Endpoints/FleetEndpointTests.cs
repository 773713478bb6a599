using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class FleetEndpointTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Fleet_TwoReplicas_ListsWhoServesWhatAndWhoLeads()
    {
        var fleet = new ScriptedFleet
        {
            Replicas =
            [
                Replica("a", leader: false, new FleetModel { Name = ModelName.Parse("taxi"), Variant = "primary", Version = new ModelVersion(3) }),
                Replica("b", leader: true, new FleetModel { Name = ModelName.Parse("taxi"), Variant = "canary" }),
            ],
        };
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<IFleetView>(fleet));

        using var response = await app.Client.GetAsync("/mlops/fleet");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement root = body.RootElement;
        Assert.Equal("a", root.GetProperty("replicaId").GetString());
        Assert.Equal("b", root.GetProperty("leader").GetString());
        JsonElement[] replicas = [.. root.GetProperty("replicas").EnumerateArray()];
        Assert.Equal(["a", "b"], replicas.Select(r => r.GetProperty("replicaId").GetString()));
        Assert.Equal("host-a", replicas[0].GetProperty("host").GetString());
        Assert.Equal(101, replicas[0].GetProperty("processId").GetInt32());
        Assert.False(replicas[0].GetProperty("isLeader").GetBoolean());
        JsonElement served = Assert.Single(replicas[0].GetProperty("models").EnumerateArray());
        Assert.Equal("taxi", served.GetProperty("name").GetString());
        Assert.Equal("primary", served.GetProperty("variant").GetString());
        Assert.Equal(3, served.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, replicas[1].GetProperty("models")[0].GetProperty("version").ValueKind);
        Assert.Equal(Start, replicas[1].GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Fleet_DatabaseUnreachable_Answers503ProblemDetails()
    {
        var fleet = new ScriptedFleet { Failure = new ModelRegistryException(RegistryErrorCode.Storage, "The fleet view could not be read from db:5432: connection refused") };
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<IFleetView>(fleet));

        using var response = await app.Client.GetAsync("/mlops/fleet");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Fleet view unavailable", body.RootElement.GetProperty("title").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Fleet_WithoutAFleetView_IsNotMapped()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync("/mlops/fleet");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static FleetReplica Replica(string id, bool leader, params FleetModel[] models) => new()
    {
        ReplicaId = id,
        Host = "host-" + id,
        ProcessId = 100 + id[0] - 'a' + 1,
        StartedAt = Start,
        LastSeenAt = Start.AddSeconds(30),
        IsLeader = leader,
        Models = models,
    };

    private sealed class ScriptedFleet : IFleetView
    {
        public IReadOnlyList<FleetReplica> Replicas { get; init; } = [];

        public Exception? Failure { get; init; }

        public string ReplicaId => "a";

        public Task<IReadOnlyList<FleetReplica>> GetReplicasAsync(CancellationToken cancellationToken = default) =>
            Failure is { } failure ? Task.FromException<IReadOnlyList<FleetReplica>>(failure) : Task.FromResult(Replicas);
    }
}
