using System.Diagnostics;
using MLOps.Registry.Postgres.Internal;

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

    public static InstrumentedModelRegistry For(FileSystemModelRegistry registry, RegistryMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        registry.ChangePublished = change => metrics.RecordChange(change, RegistryMetrics.FileSystemBackend);
        return new InstrumentedModelRegistry(registry, metrics, RegistryMetrics.FileSystemBackend);
    }

    public static InstrumentedModelRegistry For(PostgresModelRegistry registry, RegistryMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        registry.ChangePublished = change => metrics.RecordChange(change, RegistryMetrics.PostgresBackend);
        return new InstrumentedModelRegistry(registry, metrics, RegistryMetrics.PostgresBackend);
    }

    public Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken = default) =>
        Measure("create_model", r => r.CreateModelAsync(request, cancellationToken));

    public Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("get_model", r => r.GetModelAsync(name, cancellationToken));

    public Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default) =>
        Measure("search_models", r => r.SearchModelsAsync(query, cancellationToken));

    public Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken = default) =>
        Measure("update_model", r => r.UpdateModelAsync(request, cancellationToken));

    public Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default) =>
        Measure("register_version", r => r.RegisterVersionAsync(request, cancellationToken));

    public Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default) =>
        Measure("get_version", r => r.GetVersionAsync(name, version, cancellationToken));

    public Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default) =>
        Measure("resolve", r => r.ResolveAsync(reference, cancellationToken));

    public Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("list_versions", r => r.ListVersionsAsync(name, cancellationToken));

    public Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default) =>
        Measure("update_version", r => r.UpdateVersionAsync(request, cancellationToken));

    public Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default) =>
        Measure("open_artifact", r => r.OpenArtifactAsync(name, version, path, cancellationToken));

    public Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default) =>
        Measure("set_reference_profile", r => r.SetReferenceProfileAsync(name, version, profile, actor, cancellationToken));

    public Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default) =>
        Measure("get_reference_profile", r => r.GetReferenceProfileAsync(name, version, cancellationToken));

    public Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default) =>
        Measure("promote", r => r.PromoteAsync(request, cancellationToken));

    public Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default) =>
        Measure("rollback", r => r.RollbackAsync(request, cancellationToken));

    public Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default) =>
        Measure("remove_alias", r => r.RemoveAliasAsync(request, cancellationToken));

    public Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default) =>
        Measure("get_alias_history", r => r.GetAliasHistoryAsync(name, alias, cancellationToken));

    public Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default) =>
        Measure("request_approval", r => r.RequestApprovalAsync(request, cancellationToken));

    public Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default) =>
        Measure("decide_approval", r => r.DecideApprovalAsync(decision, cancellationToken));

    public Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Measure("list_approvals", r => r.ListApprovalsAsync(name, cancellationToken));

    public Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default) =>
        Measure("query_audit", r => r.QueryAuditAsync(query, cancellationToken));

    /// <summary>Not measured: subscribing is not an operation on the store.</summary>
    public IDisposable Subscribe(Action<RegistryChange> handler) => _inner.Subscribe(handler);

    private Task<T> Measure<T>(string operation, Func<IModelRegistry, Task<T>> call) =>
        _metrics.OperationDuration.Enabled ? MeasureCoreAsync(operation, call) : call(_inner);

    private async Task<T> MeasureCoreAsync<T>(string operation, Func<IModelRegistry, Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await call(_inner).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.RecordOperation(operation, _backend, start, ex);
            throw;
        }

        _metrics.RecordOperation(operation, _backend, start, null);
        return result;
    }
}
