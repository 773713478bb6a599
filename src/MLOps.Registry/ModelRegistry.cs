using Microsoft.Extensions.Logging;
using MLOps.Registry.Internal;

namespace MLOps;

/// <summary>
/// The base of the model registry backends, <see cref="FileSystemModelRegistry"/> and <see cref="PostgresModelRegistry"/>:
/// the registry's rules (argument checks, alias revisions, promotion gates, the approvals workflow, audit events and change
/// events) are written here once and applied to the backend's storage, so every backend behaves alike.
/// </summary>
/// <remarks>Only this package's backends derive from it; implement <see cref="IModelRegistry"/> for another store.</remarks>
public abstract class ModelRegistry : IModelRegistry
{
    private readonly RegistryChangeHub _changes;

    private protected ModelRegistry(ILogger logger) => _changes = new RegistryChangeHub(logger);

    /// <summary>Gets the rules over this backend's store; set once by the backend's constructor.</summary>
    private protected RegistryCore Core { get; init; } = null!;

    /// <inheritdoc/>
    public Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken = default) =>
        Core.CreateModelAsync(request, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken = default) =>
        Core.UpdateModelAsync(request, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public abstract Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default) =>
        Core.UpdateVersionAsync(request, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default) =>
        Core.SetReferenceProfileAsync(name, version, profile, actor, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    /// <remarks>The move and its audit event commit together: a storage failure leaves the alias where it was (a
    /// <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.Storage"/>, safe to retry); a promotion that
    /// returns is recorded in the audit trail. Gates see the approvals of this candidate version and alias only.</remarks>
    public Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default) =>
        Core.PromoteAsync(request, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The rollout and its audit event commit together; the start is published as
    /// <see cref="RegistryChangeKind.RolloutChanged"/> with the candidate version and the alias.</remarks>
    public Task<Rollout> StartRolloutAsync(StartRolloutRequest request, CancellationToken cancellationToken = default) =>
        Core.StartRolloutAsync(request, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>A promotion moves the alias (with its history entry and audit event, as <see cref="PromoteAsync"/> does) and
    /// ends the rollout in one commit: both happen or neither does.</remarks>
    public Task<Rollout> UpdateRolloutAsync(UpdateRolloutRequest request, CancellationToken cancellationToken = default) =>
        Core.UpdateRolloutAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<Rollout?> GetActiveRolloutAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Core.GetActiveRolloutAsync(name, cancellationToken);

    /// <inheritdoc/>
    public Task<Rollout?> GetRolloutAsync(ModelName name, string rolloutId, CancellationToken cancellationToken = default) =>
        Core.GetRolloutAsync(name, rolloutId, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Rollout>> ListRolloutsAsync(ModelName name, CancellationToken cancellationToken = default) =>
        Core.ListRolloutsAsync(name, cancellationToken);

    /// <inheritdoc/>
    public Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default) =>
        Core.RollbackAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default) =>
        Core.RemoveAliasAsync(request, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default) =>
        Core.RequestApprovalAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default) =>
        Core.DecideApprovalAsync(decision, cancellationToken);

    /// <inheritdoc/>
    public abstract Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AuditQuery.Limit"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><see cref="AuditQuery.Model"/> is not a valid model name.</exception>
    public Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default) =>
        Core.QueryAuditAsync(query, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// <para>Changes made through this instance are raised once they commit, in commit order, on one background task; a
    /// handler that throws is logged (event 207, <c>RegistrySubscriberFailed</c>) and the other handlers still run.</para>
    /// <para>Changes made by other instances, processes and replicas arrive as the backend observes them: the file-system
    /// registry watches its directory (<see cref="FileSystemRegistryOptions.WatchForChanges"/>) and raises
    /// <see cref="RegistryChangeKind.External"/>; the PostgreSQL registry listens with <c>LISTEN</c>/<c>NOTIFY</c> (with
    /// polling as the fallback). The first subscription starts that feed.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The registry was disposed.</exception>
    public IDisposable Subscribe(Action<RegistryChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_changes.IsClosed, this);
        IDisposable subscription = _changes.Subscribe(handler);
        StartExternalChanges();
        return subscription;
    }

    /// <summary>Gets the backend's tag value in the registry metrics: <c>file_system</c> or <c>postgres</c>.</summary>
    internal abstract string Backend { get; }

    /// <summary>Gets or sets a hook called for each change a committed mutation of this instance publishes (metrics); never for external changes.</summary>
    internal Action<RegistryChange>? ChangePublished { get; set; }

    /// <summary>Starts observing other instances' changes, if not yet started; called on every subscription.</summary>
    private protected abstract void StartExternalChanges();

    /// <summary>Publishes a change this instance committed: to the metrics hook and to the subscribers.</summary>
    private protected void Publish(RegistryChange change)
    {
        ChangePublished?.Invoke(change);
        _changes.Raise(change);
    }

    /// <summary>Publishes a change another instance made, as the backend observed it, to the subscribers.</summary>
    private protected void PublishExternal(RegistryChange change) => _changes.Raise(change);

    /// <summary>Gets whether <see cref="CloseChanges"/> was called.</summary>
    private protected bool ChangesClosed => _changes.IsClosed;

    /// <summary>Stops delivering changes and refuses new subscriptions (the backend's dispose).</summary>
    private protected void CloseChanges() => _changes.Close();
}
