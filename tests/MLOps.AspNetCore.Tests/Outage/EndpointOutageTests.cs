using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace MLOps.AspNetCore.Tests.Outage;

/// <summary>
/// Every HTTP endpoint backed by PostgreSQL, called while the replica's PostgreSQL server is stopped: each answers 503
/// with Retry-After and RFC 7807 ProblemDetails (never a 500), and each works again once the server is started, without
/// restarting the host. The endpoints that never touch the database (predict, quality, drift) keep answering as before.
/// </summary>
public sealed class EndpointOutageTests(ITestOutputHelper output)
{
    /// <summary>One endpoint: method, path, JSON body (or none), and whether it is served from memory (no database).</summary>
    private sealed record Call(string Method, string Path, string? Body = null, bool InMemory = false)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    private static readonly string Unknown = Guid.NewGuid().ToString("N");

    private static Call[] Calls(string feedbackId) =>
    [
        // Registry reads
        new("GET", "/mlops/models/house/versions"),
        new("GET", "/mlops/models/house/versions/1"),
        new("GET", "/mlops/models/house/versions/1/importance"),
        new("GET", "/mlops/models/house/aliases"),
        new("GET", "/mlops/models/house/rollout"),
        new("GET", "/mlops/models/house/rollouts"),

        // Registry management
        new("GET", "/mlops/models/house/approvals"),
        new("GET", "/mlops/models/house/audit"),
        new("POST", "/mlops/models/house/aliases/challenger", """{"version": 3, "reason": "outage test"}"""),
        new("POST", "/mlops/models/house/rollback", """{"alias": "challenger", "reason": "outage test"}"""),
        new("POST", $"/mlops/models/house/approvals/{Unknown}", """{"approve": true, "reason": "outage test"}"""),
        new("POST", "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}"""),
        new("POST", $"/mlops/models/house/rollouts/{Unknown}/pause", """{"reason": "outage test"}"""),

        // Fleet view, feedback (the fleet's feedback store)
        new("GET", "/mlops/fleet"),
        new("POST", $"/mlops/predictions/{feedbackId}/feedback", """{"actual": 500.0}"""),

        // The drift report reads the version's feature importance from the registry, and renders without it when it fails
        new("GET", "/mlops/models/house/drift/report.html", InMemory: true),

        // Served from memory: unchanged by the outage
        new("POST", "/mlops/models/house/predict", """{"size": 1200, "rooms": 3}""", InMemory: true),
        new("GET", "/mlops/models/house", InMemory: true),
        new("GET", "/mlops/models/house/quality", InMemory: true),
        new("GET", "/mlops/models/house/drift", InMemory: true),
    ];

    [Fact]
    public async Task PostgresEndpoints_WhileTheServerIsStopped_Answer503ProblemWithRetryAfterAndWorkAfterTheRestart()
    {
        await using OutageReplica replica = await OutageReplica.StartAsync();
        await Eventually.HoldsAsync(async () => (await replica.PredictAsync(0)).Id is not null, "the replica serves the champion", 60);

        // One drift window, so the drift endpoints have a fleet report to serve (the leader evaluates its bucket).
        for (int i = 0; i < OutageReplica.DriftWindow; i++)
        {
            Assert.NotNull((await replica.PredictAsync(i)).Id);
        }

        await Eventually.HoldsAsync(
            async () => (await replica.Client.GetAsync("/mlops/models/house/drift")).StatusCode == HttpStatusCode.OK, "a fleet drift report", 60);

        // Two predictions: feedback for the first is sent while the server is up, for the second during the outage and after.
        string before = (await replica.PredictAsync(1)).Id!, during = (await replica.PredictAsync(2)).Id!;
        var upStatus = new Dictionary<string, HttpStatusCode>();
        foreach (Call call in Calls(before))
        {
            (HttpStatusCode status, _, string body) = await SendAsync(replica, call);
            Assert.True((int)status < 500, $"{call} with PostgreSQL up: {(int)status} {body}");
            upStatus[call.Method + " " + call.Path.Replace(before, "{id}", StringComparison.Ordinal)] = status;
        }

        // The reads again, after the writes above changed the state (a rollout started): what they answer after the restart.
        foreach (Call call in Calls(before).Where(c => c.Method == "GET"))
        {
            upStatus[call.Method + " " + call.Path] = (await SendAsync(replica, call)).Status;
        }

        await replica.Postgres.StopAsync();
        var failures = new List<string>();
        foreach (Call call in Calls(during))
        {
            (HttpStatusCode status, HttpResponseMessage? response, string body) = await SendAsync(replica, call, keep: true);
            using (response)
            {
                string key = call.Method + " " + call.Path.Replace(during, "{id}", StringComparison.Ordinal);
                output.WriteLine($"down: {call} -> {(int)status}");
                if (call.InMemory)
                {
                    if (status != upStatus[key])
                    {
                        failures.Add($"{call}: {(int)status} while PostgreSQL is down, {(int)upStatus[key]} while up (served from memory, should not change): {body}");
                    }

                    continue;
                }

                if (status != HttpStatusCode.ServiceUnavailable)
                {
                    failures.Add($"{call}: {(int)status}, expected 503: {body}");
                }
                else if (response!.Headers.RetryAfter is null)
                {
                    failures.Add($"{call}: 503 without Retry-After");
                }
                else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                    || JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32() != 503)
                {
                    failures.Add($"{call}: 503 without ProblemDetails: {body}");
                }
            }
        }

        Assert.True(failures.Count == 0, "While PostgreSQL is down:\n" + string.Join("\n", failures) + "\nPostgreSQL log:\n" + replica.Postgres.ReadLog());

        // Back up: every endpoint works again (the reads as before; the writes are not 5xx), in the same host.
        await replica.Postgres.StartServerAsync();
        foreach (Call call in Calls(during))
        {
            string key = call.Method + " " + call.Path.Replace(during, "{id}", StringComparison.Ordinal);
            (HttpStatusCode status, _, string body) = await SendAsync(replica, call);
            output.WriteLine($"up again: {call} -> {(int)status}");
            if (call.Method == "GET" || call.InMemory)
            {
                Assert.True(status == upStatus[key], $"{call} after the restart: {(int)status}, before the outage {(int)upStatus[key]}: {body}");
            }
            else
            {
                Assert.True((int)status < 500, $"{call} after the restart: {(int)status} {body}");
            }

            if (call.Path.Contains("/feedback", StringComparison.Ordinal))
            {
                Assert.Equal(HttpStatusCode.OK, status);   // the feedback refused during the outage, accepted now
            }
        }
    }

    private static async Task<(HttpStatusCode Status, HttpResponseMessage? Response, string Body)> SendAsync(OutageReplica replica, Call call, bool keep = false)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response = await replica.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        if (keep)
        {
            return (response.StatusCode, response, body);
        }

        response.Dispose();
        return (response.StatusCode, null, body);
    }
}
