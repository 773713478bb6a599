namespace MLOps;

/// <summary>
/// A model registry: registered models, numbered versions with verified artifacts, aliases with history, promotion
/// gates and approvals, and an audit trail of every mutation. Implementations: the file-system registry
/// (<c>AddFileSystemRegistry</c>) and the PostgreSQL registry (<c>AddPostgresRegistry</c>) in MLOps.Registry.
/// </summary>
/// <remarks>
/// Every mutation appends an <see cref="AuditEvent"/> and raises a <see cref="RegistryChange"/>. Mutations that name
/// a missing model or version throw <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.NotFound"/>;
/// invalid arguments throw <see cref="ArgumentException"/> before anything is written.
/// </remarks>
public interface IModelRegistry
{
    /// <summary>Creates a registered model.</summary>
    /// <param name="request">The model to create.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The created model.</returns>
    /// <exception cref="ModelRegistryException">The model exists (<see cref="RegistryErrorCode.AlreadyExists"/>).</exception>
    Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a registered model.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The model, or <see langword="null"/> if it does not exist.</returns>
    Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <summary>Lists the registered models that match <paramref name="query"/>, ordered by name.</summary>
    /// <param name="query">The filters, or <see langword="null"/> for all models.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The matching models.</returns>
    Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Changes a registered model's description or tags.</summary>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The changed model.</returns>
    Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a new version: allocates the next number (unique across processes and replicas), stores the artifacts
    /// with their SHA-256, and marks it ready. See <see cref="RegisterVersionRequest"/>.
    /// </summary>
    /// <param name="request">The version to register.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The ready version.</returns>
    Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a version.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The version, or <see langword="null"/> if it does not exist.</returns>
    Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves a reference: the version an alias points to, a given version, or the latest <see cref="ModelVersionStatus.Ready"/> version.
    /// </summary>
    /// <param name="reference">The reference.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The version, or <see langword="null"/> if the model, alias or version does not exist.</returns>
    Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default);

    /// <summary>Lists the versions of a model, in ascending version order.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The versions (empty if the model does not exist).</returns>
    Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <summary>Changes a version's description, tags, metrics or (write-once) parameters.</summary>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The changed version.</returns>
    /// <exception cref="ModelRegistryException">A parameter was already logged (<see cref="RegistryErrorCode.ParamAlreadyLogged"/>); nothing changed.</exception>
    Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an artifact of a version. The stream verifies the recorded length and SHA-256 as it is read: reading to the
    /// end of a tampered or truncated artifact throws <see cref="ArtifactIntegrityException"/>.
    /// </summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="path">The artifact path, or <see langword="null"/> for the primary artifact.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>A verifying read-only stream; dispose it.</returns>
    Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) the reference profile of a version.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="profile">The profile.</param>
    /// <param name="actor">Who stores it; <see langword="null"/> uses the configured default actor.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The changed version.</returns>
    Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the reference profile of a version, verified against its SHA-256.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The profile, or <see langword="null"/> if the version has none.</returns>
    Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points an alias at a ready version after evaluating the request's gates in the same critical section; promotions
    /// of one model are serialized (see <see cref="PromoteRequest.ExpectedRevision"/> for optimistic concurrency).
    /// </summary>
    /// <param name="request">The promotion.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The new alias history entry.</returns>
    /// <exception cref="PromotionRejectedException">A gate failed; the alias did not move.</exception>
    /// <exception cref="RegistryConflictException">The alias's revision is not the expected one.</exception>
    Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Moves an alias back to its previous holder (see <see cref="RollbackRequest"/>).</summary>
    /// <param name="request">The rollback.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The new alias history entry.</returns>
    /// <exception cref="ModelRegistryException">The alias has no previous holder (<see cref="RegistryErrorCode.InvalidState"/>).</exception>
    Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes an alias; its history is kept and a rollback restores it.</summary>
    /// <param name="request">The removal.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The new alias history entry.</returns>
    Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a rollout of a candidate against the current holder of the request's alias. At most one rollout of a model is
    /// active at a time.
    /// </summary>
    /// <param name="request">The rollout.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The started rollout (revision 1, state <see cref="RolloutState.Progressing"/>, at its first step).</returns>
    /// <exception cref="ModelRegistryException">
    /// The model, the candidate or the alias does not exist (<see cref="RegistryErrorCode.NotFound"/>), or the candidate is not
    /// ready, is the alias's holder, or has a different signature, or the steps are not valid (<see cref="RegistryErrorCode.InvalidState"/>
    /// or an <see cref="ArgumentException"/>).
    /// </exception>
    /// <exception cref="RegistryConflictException">Another rollout of the model is active.</exception>
    Task<Rollout> StartRolloutAsync(StartRolloutRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records a decision on an active rollout and applies it (see <see cref="UpdateRolloutRequest"/>).</summary>
    /// <param name="request">The decision.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The rollout after the decision.</returns>
    /// <exception cref="ModelRegistryException">The rollout does not exist, or the decision is not allowed in its state.</exception>
    /// <exception cref="RegistryConflictException">The rollout's revision is not the expected one.</exception>
    /// <exception cref="PromotionRejectedException">A promotion's gate failed; the alias did not move and the rollout is unchanged.</exception>
    Task<Rollout> UpdateRolloutAsync(UpdateRolloutRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a model's active rollout.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The active rollout, or <see langword="null"/>.</returns>
    Task<Rollout?> GetActiveRolloutAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <summary>Gets one rollout of a model, active or ended.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="rolloutId">The rollout's id.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The rollout, or <see langword="null"/>.</returns>
    Task<Rollout?> GetRolloutAsync(ModelName name, string rolloutId, CancellationToken cancellationToken = default);

    /// <summary>Lists a model's rollouts, newest first.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The rollouts.</returns>
    Task<IReadOnlyList<Rollout>> ListRolloutsAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <summary>Gets the history of one alias or of all aliases of a model, oldest first.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="alias">The alias, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The history entries.</returns>
    Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default);

    /// <summary>Requests approval to promote a version to an alias.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The pending approval.</returns>
    Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default);

    /// <summary>Approves or rejects a pending approval request.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The decided approval.</returns>
    /// <exception cref="ModelRegistryException">
    /// The request is not pending, or the actor is the requester (<see cref="RegistryErrorCode.InvalidState"/>).
    /// </exception>
    Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default);

    /// <summary>Lists the approval requests of a model, oldest first.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The approvals.</returns>
    Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default);

    /// <summary>Queries the audit trail.</summary>
    /// <param name="query">The filters, or <see langword="null"/> for the most recent events of all models.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The matching events in chronological order.</returns>
    Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to change events: every mutation through any instance of this registry, including other processes
    /// and replicas (their events may arrive as <see cref="RegistryChangeKind.External"/>, and may be coalesced).
    /// </summary>
    /// <param name="handler">Called on a background thread for each change; must not block.</param>
    /// <returns>A subscription; dispose it to unsubscribe.</returns>
    IDisposable Subscribe(Action<RegistryChange> handler);
}
