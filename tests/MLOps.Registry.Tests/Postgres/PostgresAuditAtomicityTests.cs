using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// The PostgreSQL registry writes a change and its audit event in one transaction: when the audit insert fails (here a
/// trigger refuses it, as a full disk would), the change is rolled back, the caller gets a
/// <see cref="ModelRegistryException"/> (<see cref="RegistryErrorCode.Storage"/>), and a retry records the change once.
/// </summary>
public sealed class PostgresAuditAtomicityTests
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly ModelAlias Staging = ModelAlias.Parse("staging");
    private static readonly string[] Tables = ["models", "model_versions", "aliases", "alias_history", "approvals", "audit_events"];

    private static readonly Dictionary<string, (Func<PostgresModelRegistry, string, Task> Run, string Action)> Operations = new()
    {
        ["CreateModel"] = ((r, _) => r.CreateModelAsync(new CreateModelRequest(ModelName.Parse("other"))), AuditActions.ModelCreated),
        ["Register"] = ((r, _) => r.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("3"u8.ToArray())])), AuditActions.VersionCreated),
        ["UpdateModel"] = ((r, _) => r.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "updated" }), AuditActions.ModelUpdated),
        ["UpdateVersion"] = ((r, _) => r.UpdateVersionAsync(new UpdateVersionRequest(Taxi, new ModelVersion(1)) { Description = "updated" }), AuditActions.VersionUpdated),
        ["Promote"] = ((r, _) => r.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), Staging)), AuditActions.AliasPromoted),
        ["Rollback"] = ((r, _) => r.RollbackAsync(new RollbackRequest(Taxi, ModelAlias.Champion)), AuditActions.AliasRolledBack),
        ["RemoveAlias"] = ((r, _) => r.RemoveAliasAsync(new RemoveAliasRequest(Taxi, ModelAlias.Champion)), AuditActions.AliasRemoved),
        ["RequestApproval"] = ((r, _) => r.RequestApprovalAsync(new ApprovalRequest(Taxi, new ModelVersion(1), Staging)), AuditActions.ApprovalRequested),
        ["DecideApproval"] = ((r, id) => r.DecideApprovalAsync(new ApprovalDecision(Taxi, id, Approve: true) { Actor = "bob" }), AuditActions.ApprovalDecided),
    };

    public static TheoryData<string> OperationNames() => [.. Operations.Keys];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task Operation_WhoseAuditInsertFails_ChangesNothingAndARetryRecordsItOnce(string operation)
    {
        (Func<PostgresModelRegistry, string, Task> run, string action) = Operations[operation];
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("1"u8.ToArray())]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("2"u8.ToArray())]));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion));
        string approvalId = (await registry.RequestApprovalAsync(new ApprovalRequest(Taxi, new ModelVersion(2), Staging) { Actor = "alice" })).Id;
        string before = await StateAsync(schema);
        long auditBefore = await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.audit_events WHERE action = '{action}'");

        await schema.ExecuteAsync("""
            CREATE FUNCTION __schema__.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
            CREATE TRIGGER refuse_audit BEFORE INSERT ON __schema__.audit_events FOR EACH ROW EXECUTE FUNCTION __schema__.refuse_audit();
            """);
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => run(registry, approvalId));

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.NotNull(ex.InnerException);
        Assert.Equal(before, await StateAsync(schema));

        await schema.ExecuteAsync("DROP TRIGGER refuse_audit ON __schema__.audit_events");
        await run(registry, approvalId);

        Assert.Equal(auditBefore + 1, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.audit_events WHERE action = '{action}'"));
        Assert.True(await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.alias_history") <= 3, "an alias moved twice");
    }

    /// <summary>Every row of the registry's tables, as text.</summary>
    private static async Task<string> StateAsync(TestSchema schema)
    {
        var state = new List<string>();
        foreach (string table in Tables)
        {
            state.Add(table + ": " + await schema.ScalarAsync<string>($"SELECT coalesce(string_agg(t::text, ' | ' ORDER BY t::text), '') FROM __schema__.{table} t"));
        }

        return string.Join('\n', state);
    }
}
