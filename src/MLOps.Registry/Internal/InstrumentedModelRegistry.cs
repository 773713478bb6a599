namespace MLOps.Registry.Internal;

/// <summary>
/// The <see cref="IModelRegistry"/> that dependency injection hands out: forwards every call to the backend and records
/// <c>mlops.registry.operation.duration</c> for it, and counts the change events the backend publishes for its own
/// mutations (<c>mlops.registry.changes</c>). One decorator for every backend, so both report the same way. When no
/// listener enables the histogram, calls go straight to the backend (no timestamp, no state machine).
/// </summary>
internal sealed class InstrumentedModelRegistry : IModelRegistry
{
    private readonly IModelRegistry _inner;
    private readonly RegistryMetrics _metrics;
    private readonly string _backend;

    private InstrumentedModelRegistry(IModelRegistry inner, RegistryMetrics metrics, string backend)
    {
        _inner = inner;
        _metrics = metrics;
        _backend = backend;
    }

    /// <summary>Gets the backend this instance forwards to.</summary>
    public IModelRegistry Inner => _inner;

    /// <summary>Gets the backend's tag value: <c>file_system</c> or <c>postgres</c>.</summary>
    public string Backend => _backend;

    /// <summary>Wraps a backend and counts the changes it publishes for its own mutations.</summary>
    public static InstrumentedModelRegistry For(ModelRegistry registry, RegistryMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        string backend = registry.Backend;
        registry.ChangePublished = change => metrics.RecordChange(change, backend);
        return new InstrumentedModelRegistry(registry, metrics, backend);
    }

    public Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken = default) =>
        Measure("create_model", (request, cancellationToken), static (r, s) => r.CreateModelAsync(s.request, s.cancellationToken));

    public Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("get_model", (name, cancellationToken), static (r, s) => r.GetModelAsync(s.name, s.cancellationToken));

    public Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default) =>
        Measure("search_models", (query, cancellationToken), static (r, s) => r.SearchModelsAsync(s.query, s.cancellationToken));

    public Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken = default) =>
        Measure("update_model", (request, cancellationToken), static (r, s) => r.UpdateModelAsync(s.request, s.cancellationToken));

    public Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default) =>
        Measure("register_version", (request, cancellationToken), static (r, s) => r.RegisterVersionAsync(s.request, s.cancellationToken));

    public Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default) =>
        Measure("get_version", (name, version, cancellationToken), static (r, s) => r.GetVersionAsync(s.name, s.version, s.cancellationToken));

    public Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default) =>
        Measure("resolve", (reference, cancellationToken), static (r, s) => r.ResolveAsync(s.reference, s.cancellationToken));

    public Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("list_versions", (name, cancellationToken), static (r, s) => r.ListVersionsAsync(s.name, s.cancellationToken));

    public Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default) =>
        Measure("update_version", (request, cancellationToken), static (r, s) => r.UpdateVersionAsync(s.request, s.cancellationToken));

    public Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default) =>
        Measure("open_artifact", (name, version, path, cancellationToken), static (r, s) => r.OpenArtifactAsync(s.name, s.version, s.path, s.cancellationToken));

    public Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default) =>
        Measure("set_reference_profile", (name, version, profile, actor, cancellationToken), static (r, s) => r.SetReferenceProfileAsync(s.name, s.version, s.profile, s.actor, s.cancellationToken));

    public Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default) =>
        Measure("get_reference_profile", (name, version, cancellationToken), static (r, s) => r.GetReferenceProfileAsync(s.name, s.version, s.cancellationToken));

    public Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default) =>
        Measure("promote", (request, cancellationToken), static (r, s) => r.PromoteAsync(s.request, s.cancellationToken));

    public Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default) =>
        Measure("rollback", (request, cancellationToken), static (r, s) => r.RollbackAsync(s.request, s.cancellationToken));

    public Task<Rollout> StartRolloutAsync(StartRolloutRequest request, CancellationToken cancellationToken = default) =>
        Measure("start_rollout", (request, cancellationToken), static (r, s) => r.StartRolloutAsync(s.request, s.cancellationToken));

    public Task<Rollout> UpdateRolloutAsync(UpdateRolloutRequest request, CancellationToken cancellationToken = default) =>
        Measure("update_rollout", (request, cancellationToken), static (r, s) => r.UpdateRolloutAsync(s.request, s.cancellationToken));

    public Task<Rollout?> GetActiveRolloutAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("get_active_rollout", (name, cancellationToken), static (r, s) => r.GetActiveRolloutAsync(s.name, s.cancellationToken));

    public Task<Rollout?> GetRolloutAsync(ModelName name, string rolloutId, CancellationToken cancellationToken = default) =>
        Measure("get_rollout", (name, rolloutId, cancellationToken), static (r, s) => r.GetRolloutAsync(s.name, s.rolloutId, s.cancellationToken));

    public Task<IReadOnlyList<Rollout>> ListRolloutsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("list_rollouts", (name, cancellationToken), static (r, s) => r.ListRolloutsAsync(s.name, s.cancellationToken));

    public Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default) =>
        Measure("remove_alias", (request, cancellationToken), static (r, s) => r.RemoveAliasAsync(s.request, s.cancellationToken));

    public Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default) =>
        Measure("get_alias_history", (name, alias, cancellationToken), static (r, s) => r.GetAliasHistoryAsync(s.name, s.alias, s.cancellationToken));

    public Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default) =>
        Measure("request_approval", (request, cancellationToken), static (r, s) => r.RequestApprovalAsync(s.request, s.cancellationToken));

    public Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default) =>
        Measure("decide_approval", (decision, cancellationToken), static (r, s) => r.DecideApprovalAsync(s.decision, s.cancellationToken));

    public Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("list_approvals", (name, cancellationToken), static (r, s) => r.ListApprovalsAsync(s.name, s.cancellationToken));

    public Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default) =>
        Measure("query_audit", (query, cancellationToken), static (r, s) => r.QueryAuditAsync(s.query, s.cancellationToken));

    /// <summary>Not measured: subscribing is not an operation on the store.</summary>
    public IDisposable Subscribe(Action<RegistryChange> handler) => _inner.Subscribe(handler);

    // The arguments travel as state to a static lambda, so a call allocates no closure when nothing listens.
    private Task<T> Measure<TState, T>(string operation, TState state, Func<IModelRegistry, TState, Task<T>> call) =>
        _metrics.OperationDuration.Enabled ? _metrics.Operations.MeasureAsync(operation, _backend, _inner, state, call) : call(_inner, state);
}
