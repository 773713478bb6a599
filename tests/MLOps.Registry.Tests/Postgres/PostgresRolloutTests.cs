using System.Collections.Concurrent;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// What the PostgreSQL rollout store adds to the conformance suite: the database itself keeps one active rollout per
/// model, a promotion's alias move and the end of the rollout commit together, and RolloutChanged crosses processes
/// with its details over LISTEN/NOTIFY.
/// </summary>
public sealed class PostgresRolloutTests
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");

    [Fact]
    public async Task RolloutsTable_ASecondActiveRowWrittenBehindTheSdksBack_IsRefusedByThePartialUniqueIndex()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = await SeedAsync(schema);
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Canary));

        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => schema.ExecuteAsync(
            "INSERT INTO __schema__.rollouts (id, model_name, alias, strategy, primary_version, candidate_version, state, revision, created_at, updated_at, rollout) " +
            "SELECT 'copy', model_name, alias, strategy, primary_version, candidate_version, 1, 1, now(), now(), rollout FROM __schema__.rollouts"));

        Assert.Equal("23505", ex.SqlState);   // unique_violation on rollouts_one_active
        await registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Aborted));
        await schema.ExecuteAsync(
            "INSERT INTO __schema__.rollouts (id, model_name, alias, strategy, primary_version, candidate_version, state, revision, created_at, updated_at, rollout) " +
            "SELECT 'ended', model_name, alias, strategy, primary_version, candidate_version, 4, 2, now(), now(), rollout FROM __schema__.rollouts");
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.rollouts"));   // ended rollouts are not limited
    }

    [Fact]
    public async Task Promotion_WhoseRolloutUpdateFails_LeavesTheAliasWhereItWas()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = await SeedAsync(schema);
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.BlueGreen));
        long history = await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.alias_history");
        await schema.ExecuteAsync("""
            CREATE FUNCTION __schema__.refuse_rollout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
            CREATE TRIGGER refuse_rollout BEFORE UPDATE ON __schema__.rollouts FOR EACH ROW EXECUTE FUNCTION __schema__.refuse_rollout();
            """);

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Promoted)));

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.Equal(new ModelVersion(1), (await registry.GetModelAsync(Taxi))!.Aliases[ModelAlias.Champion]);
        Assert.Equal(history, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.alias_history"));
        Assert.Equal(0L, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.audit_events WHERE action = '{AuditActions.AliasPromoted}' AND after = '2'"));
        await schema.ExecuteAsync("DROP TRIGGER refuse_rollout ON __schema__.rollouts");
        Assert.Equal(RolloutState.Succeeded, (await registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Promoted))).State);
        Assert.Equal(new ModelVersion(2), (await registry.GetModelAsync(Taxi))!.Aliases[ModelAlias.Champion]);
    }

    [Fact]
    public async Task Subscribe_NotificationsOnly_DeliversAnotherInstancesRolloutChangeWithItsDetails()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry writer = await SeedAsync(schema);
        await using PostgresModelRegistry reader = PostgresRegistryConformanceTests.Open(schema, o => o.PollInterval = TimeSpan.Zero);
        var changes = new ConcurrentQueue<RegistryChange>();
        using IDisposable subscription = reader.Subscribe(changes.Enqueue);
        await Eventually.HoldsAsync(() => reader.Listener is { BackendProcessId: > 0 }, "listener connected");

        await writer.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Shadow));

        await Eventually.HoldsAsync(
            () => changes.Contains(new RegistryChange(RegistryChangeKind.RolloutChanged, Taxi, new ModelVersion(2), ModelAlias.Champion)),
            "RolloutChanged(taxi, 2, champion) from the other instance");
    }

    [Fact]
    public async Task Rollout_StoredRow_KeepsTheRecordAndItsQueryableColumnsInStep()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = await SeedAsync(schema);
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Experiment)
        {
            Analysis = new RolloutAnalysis { MaxErrorRate = null, QualityMetric = "accuracy" },
        });
        await registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Paused) { Reason = "weekend" });

        Assert.Equal(
            "1|2|2|2|1|2",
            await schema.ScalarAsync<string>(
                "SELECT concat_ws('|', state, revision, strategy, candidate_version, primary_version, jsonb_array_length(rollout->'decisions')) FROM __schema__.rollouts"));
        Assert.True(await schema.ScalarAsync<bool>("SELECT (rollout->'analysis') ? 'maxErrorRate' AND rollout->'analysis'->'maxErrorRate' = 'null'::jsonb FROM __schema__.rollouts"),
            "a switched-off threshold is stored as null, not left out (which would read back as the default)");
    }

    private static async Task<PostgresModelRegistry> SeedAsync(TestSchema schema)
    {
        PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("1"u8.ToArray())]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("2"u8.ToArray())]));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        return registry;
    }
}
