using System.Text.Json;
using MLOps.Cli.Tests.Support;

namespace MLOps.Cli.Tests.Registry;

/// <summary>
/// Every registry command run as a process against a real registry seeded with the library: the file-system and the
/// PostgreSQL backends run the same tests (<see cref="FileSystemRegistryCommandTests"/>, <see cref="PostgresRegistryCommandTests"/>).
/// The seed: model 'taxi' with versions 1 (r2 0.70), 2 (r2 0.80), 3 (r2 0.90); champion promoted to 1, then to 2.
/// </summary>
public abstract class RegistryCommandTests : IAsyncLifetime
{
    protected static readonly ModelName Taxi = ModelName.Parse("taxi");

    /// <summary>The arguments that name the registry (<c>--registry …</c>, and <c>--schema …</c> for PostgreSQL).</summary>
    protected abstract string[] RegistryArgs { get; }

    protected abstract ModelRegistry OpenRegistry();

    public virtual async Task InitializeAsync()
    {
        ModelRegistry registry = OpenRegistry();
        try
        {
            await registry.CreateModelAsync(new CreateModelRequest(Taxi) { Description = "trip durations", Actor = "seed" });
            foreach (double r2 in new[] { 0.7, 0.8, 0.9 })
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })])
                {
                    Metrics = new Dictionary<string, double> { ["r2"] = r2 },
                    Actor = "seed",
                });
            }

            await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion) { Actor = "seed", Reason = "first" });
            await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion) { Actor = "seed", Reason = "better" });
        }
        finally
        {
            await DisposeRegistryAsync(registry);
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ModelsList_Json_ListsTheModelWithItsLatestVersionAndAliases()
    {
        CliResult result = await Mlops("models", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement model = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal("taxi", model.GetProperty("name").GetString());
        Assert.Equal(3, model.GetProperty("latestVersion").GetInt32());
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("champion").GetInt32());
        Assert.Equal("trip durations", model.GetProperty("description").GetString());
    }

    [Fact]
    public async Task ModelsList_Table_ShowsTheModel()
    {
        CliResult result = await Mlops("models", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("taxi", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("champion→v2", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsShow_Json_ShowsTheModel()
    {
        CliResult result = await Mlops("models", "show", "taxi", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("seed", result.Json().GetProperty("createdBy").GetString());
    }

    [Theory]
    [InlineData("models", "show", "{0}")]
    [InlineData("versions", "show", "taxi", "{0}")]
    [InlineData("aliases", "history", "taxi", "--alias", "{0}")]
    [InlineData("audit", "--model", "taxi", "--from", "{0}")]
    public async Task BadArgument_HugeOrHostile_ExitsWithTwoAndQuotesAShortPrefix(params string[] args)
    {
        // 100,000 characters with a lone surrogate and a control character in the part that is quoted.
        string hostile = "x\uD800\u0007" + new string('a', 100_000);

        CliResult result = await Mlops([.. args.Select(a => a == "{0}" ? hostile : a)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("...", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Length < 500, $"the error quotes {result.Stderr.Length} characters");
    }

    [Fact]
    public async Task ModelsShow_UnknownModel_ExitsWithTwoAndNamesTheModel()
    {
        CliResult result = await Mlops("models", "show", "nope");

        CliRun.AssertUserError(result, 2, "unknown model 'nope'");
    }

    [Fact]
    public async Task VersionsList_Json_ListsEveryVersionWithMetricsAndAliases()
    {
        CliResult result = await Mlops("versions", "list", "taxi", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] versions = [.. result.Json().EnumerateArray()];
        Assert.Equal([1, 2, 3], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(0.9, versions[2].GetProperty("metrics").GetProperty("r2").GetDouble());
        Assert.Equal("champion", Assert.Single(versions[1].GetProperty("aliases").EnumerateArray()).GetString());
        Assert.Equal("ready", versions[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task VersionsShow_Json_ShowsTheVersion()
    {
        CliResult result = await Mlops("versions", "show", "taxi", "v3", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement version = result.Json();
        Assert.Equal(3, version.GetProperty("version").GetInt32());
        Assert.Equal(3, Assert.Single(version.GetProperty("artifacts").EnumerateArray()).GetProperty("length").GetInt64());
    }

    [Fact]
    public async Task VersionsShow_UnknownVersion_ExitsWithTwo()
    {
        CliResult result = await Mlops("versions", "show", "taxi", "9");

        CliRun.AssertUserError(result, 2, "model 'taxi' has no version 9");
    }

    [Fact]
    public async Task AliasesHistory_Json_ListsEveryMoveWithItsRevision()
    {
        CliResult result = await Mlops("aliases", "history", "taxi", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement[] entries = [.. result.Json().EnumerateArray()];
        Assert.Equal(2, entries.Length);
        Assert.Equal(2, entries[1].GetProperty("version").GetInt32());
        Assert.Equal(1, entries[1].GetProperty("previousVersion").GetInt32());
        Assert.Equal("better", entries[1].GetProperty("reason").GetString());
        Assert.True(entries[1].GetProperty("revision").GetInt64() > entries[0].GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Promote_MovesTheAliasAndTheAuditTrailRecordsIt()
    {
        CliResult promote = await Mlops("promote", "taxi", "3", "--alias", "champion", "--reason", "best r2", "--actor", "ci", "--min-metric", "r2=0.85", "--beat-current", "r2", "--json");

        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.Equal(3, promote.Json().GetProperty("version").GetInt32());
        CliResult versions = await Mlops("versions", "list", "taxi", "--json");
        Assert.Equal("champion", Assert.Single(versions.Json()[2].GetProperty("aliases").EnumerateArray()).GetString());
        CliResult audit = await Mlops("audit", "--model", "taxi", "--json");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        Assert.Contains(audit.Json().EnumerateArray(), e => e.GetProperty("actor").GetString() == "ci" && e.GetProperty("reason").GetString() == "best r2");
    }

    [Fact]
    public async Task Promote_Table_SaysWhereTheAliasMoved()
    {
        CliResult promote = await Mlops("promote", "taxi", "3");

        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.Contains("champion → v3 (was v2)", promote.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_RefusedByAGate_ExitsWithThreeAndSaysWhy()
    {
        CliResult result = await Mlops("promote", "taxi", "1", "--min-metric", "r2=0.75");

        CliRun.AssertUserError(result, 3, "refused by a promotion gate", "r2");
        CliResult versions = await Mlops("models", "show", "taxi", "--json");
        Assert.Equal(2, versions.Json().GetProperty("aliases").GetProperty("champion").GetInt32());
    }

    [Fact]
    public async Task Promote_StaleExpectedRevision_ExitsWithTwo()
    {
        CliResult history = await Mlops("aliases", "history", "taxi", "--json");
        long first = history.Json()[0].GetProperty("revision").GetInt64();

        CliResult result = await Mlops("promote", "taxi", "3", "--expected-revision", first.ToString(System.Globalization.CultureInfo.InvariantCulture));

        CliRun.AssertUserError(result, 2, "conflict");
    }

    [Fact]
    public async Task Promote_BeatCurrentLowerIsBetter_RefusesAVersionWithAHigherValue()
    {
        // r2 read as "lower is better": v3 (0.9) does not beat the champion v2 (0.8).
        CliResult result = await Mlops("promote", "taxi", "3", "--beat-current", "r2:lower");

        CliRun.AssertUserError(result, 3, "refused by a promotion gate", "r2");
    }

    [Fact]
    public async Task Promote_UnknownModel_ExitsWithTwo()
    {
        CliResult result = await Mlops("promote", "nope", "1");

        CliRun.AssertUserError(result, 2, "nope");
    }

    [Fact]
    public async Task Promote_InvalidGate_ExitsWithTwo()
    {
        CliResult result = await Mlops("promote", "taxi", "3", "--min-metric", "r2");

        CliRun.AssertUserError(result, 2, "--min-metric: 'r2' is not name=value");
    }

    [Fact]
    public async Task Rollback_MovesTheAliasBack()
    {
        CliResult result = await Mlops("rollback", "taxi", "--alias", "champion", "--reason", "regression", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement entry = result.Json();
        Assert.Equal(1, entry.GetProperty("version").GetInt32());
        Assert.Equal("rollback", entry.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Approvals_RequestApproveThenPromoteWithRequireApproval()
    {
        CliResult refused = await Mlops("promote", "taxi", "3", "--require-approval");
        CliRun.AssertUserError(refused, 3, "refused by a promotion gate");

        CliResult requested = await Mlops("approvals", "request", "taxi", "3", "--alias", "champion", "--reason", "please", "--json");
        Assert.True(requested.ExitCode == 0, requested.ToString());
        string id = requested.Json().GetProperty("id").GetString()!;
        CliResult pending = await Mlops("approvals", "list", "taxi", "--state", "Pending", "--json");
        Assert.Equal(id, Assert.Single(pending.Json().EnumerateArray()).GetProperty("id").GetString());

        CliResult approved = await Mlops("approvals", "approve", "taxi", id, "--reason", "ok", "--actor", "lead", "--json");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Equal("approved", approved.Json().GetProperty("state").GetString());
        Assert.Equal("lead", approved.Json().GetProperty("decidedBy").GetString());

        CliResult promoted = await Mlops("promote", "taxi", "3", "--require-approval");
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
    }

    [Fact]
    public async Task Approvals_Reject_MarksTheRequestRejected()
    {
        CliResult requested = await Mlops("approvals", "request", "taxi", "1", "--json");
        string id = requested.Json().GetProperty("id").GetString()!;

        CliResult rejected = await Mlops("approvals", "reject", "taxi", id, "--reason", "too old", "--actor", "lead", "--json");

        Assert.True(rejected.ExitCode == 0, rejected.ToString());
        Assert.Equal("rejected", rejected.Json().GetProperty("state").GetString());
        CliResult list = await Mlops("approvals", "list", "taxi");
        Assert.Contains("too old", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_ApproveUnknownId_ExitsWithTwo()
    {
        CliResult result = await Mlops("approvals", "approve", "taxi", "no-such-id");

        CliRun.AssertUserError(result, 2);
    }

    [Fact]
    public async Task Audit_Json_FiltersByActionAndLimit()
    {
        CliResult result = await Mlops("audit", "--json", "--limit", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Json().EnumerateArray());
        CliResult table = await Mlops("audit", "--from", "2000-01-01");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("seed", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_BadTime_ExitsWithTwo()
    {
        CliResult result = await Mlops("audit", "--from", "yesterday");

        CliRun.AssertUserError(result, 2, "--from: 'yesterday' is not a date");
    }

    protected Task<CliResult> Mlops(params string[] args) => CliRun.RunAsync([.. args, .. RegistryArgs]);

    private static async Task DisposeRegistryAsync(ModelRegistry registry)
    {
        if (registry is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (registry is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
