namespace MLOps.Registry.Internal;

/// <summary>
/// The storage under <see cref="RegistryCore"/>: the file system or PostgreSQL. It keeps the data; the core owns the
/// rules (validation, revisions, gates, audit events, change events) and applies them through a unit of work.
/// </summary>
internal interface IRegistryStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one unit of work over the existing model <paramref name="name"/>: mutations of the
    /// model are serialized for its duration, and what it writes commits when it returns (nothing when it throws). The
    /// changes the work recorded are published after the commit.
    /// </summary>
    /// <param name="name">The model; <see cref="RegistryErrorCode.NotFound"/> if it does not exist.</param>
    /// <param name="operation">What is done, for the message of a <see cref="RegistryErrorCode.Storage"/> failure.</param>
    /// <param name="work">The reads, checks and writes.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    Task<T> WriteModelAsync<T>(ModelName name, string operation, Func<IRegistryUnitOfWork, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one unit of work that may create a model: creations are serialized with every other
    /// mutation of the model, what it writes commits when it returns (nothing when it throws), and the changes it recorded
    /// are published after the commit.
    /// </summary>
    /// <param name="operation">What is done, for the message of a <see cref="RegistryErrorCode.Storage"/> failure.</param>
    /// <param name="work">The checks and writes.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    Task<T> CreateModelAsync<T>(string operation, Func<IRegistryCreation, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Registers the version <paramref name="draft"/> describes, in the store's own order of numbering, uploading and
    /// committing, with the records and audit events the draft builds; publishes the changes after each commit; returns the
    /// version as stored (<see cref="ModelVersionStatus.Ready"/>).
    /// </summary>
    Task<RegisteredModelVersion> RegisterAsync(VersionDraft draft, CancellationToken cancellationToken);

    /// <summary>Reads a version (one read, outside any unit of work), or <see langword="null"/> if it does not exist.</summary>
    Task<RegisteredModelVersion?> ReadVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken);

    /// <summary>Stores a reference profile's content for <paramref name="version"/>, before the unit of work that references it.</summary>
    /// <returns>Its descriptor, to keep in <see cref="RegisteredModelVersion.ReferenceProfile"/>.</returns>
    Task<ArtifactDescriptor> PutProfileAsync(ModelName name, ModelVersion version, ReferenceProfileBlob profile, CancellationToken cancellationToken);

    /// <summary>Deletes a stored profile that nothing references (best effort: a failure is logged, not thrown).</summary>
    Task DeleteProfileAsync(ModelName name, ModelVersion version, ArtifactDescriptor profile);

    /// <summary>
    /// Reads the audit events that match <paramref name="query"/> (checked by the core): the <see cref="AuditQuery.Limit"/>
    /// most recent ones, oldest first.
    /// </summary>
    Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a model's rollouts (one read, outside any unit of work), newest first; empty if the model does not exist.
    /// </summary>
    /// <param name="name">The model.</param>
    /// <param name="id">Only the rollout with this id, or <see langword="null"/> for all.</param>
    /// <param name="activeOnly">Only the active rollout (at most one).</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(ModelName name, string? id, bool activeOnly, CancellationToken cancellationToken);
}

/// <summary>One unit of work over one model, begun by <see cref="IRegistryStore.WriteModelAsync{T}"/>.</summary>
internal interface IRegistryUnitOfWork
{
    /// <summary>Gets the model.</summary>
    ModelName Name { get; }

    /// <summary>Gets the time to stamp what this unit of work writes (in the store's precision).</summary>
    DateTimeOffset Now { get; }

    /// <summary>Reads the model.</summary>
    Task<RegisteredModel> ReadModelAsync(CancellationToken cancellationToken);

    /// <summary>Stores the model's new description and tags (and update time), with <paramref name="audit"/>; returns the model as stored.</summary>
    Task<RegisteredModel> UpdateModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Reads a version, or <see langword="null"/> if it does not exist.</summary>
    Task<RegisteredModelVersion?> ReadVersionAsync(ModelVersion version, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a version's new editable state (description, tags, metrics, parameters, reference profile and update time),
    /// with <paramref name="audit"/>; returns the version as stored.
    /// </summary>
    Task<RegisteredModelVersion> UpdateVersionAsync(RegisteredModelVersion version, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Reads an alias: its holder (<see langword="null"/> if unassigned) and its revision (0 if never assigned).</summary>
    Task<AliasState> ReadAliasAsync(ModelAlias alias, CancellationToken cancellationToken);

    /// <summary>Reads the history of one alias, oldest first.</summary>
    Task<IReadOnlyList<AliasHistoryEntry>> ReadAliasHistoryAsync(ModelAlias alias, CancellationToken cancellationToken);

    /// <summary>Reads the approval requests for <paramref name="version"/> to <paramref name="alias"/>, in request order.</summary>
    Task<IReadOnlyList<PromotionApproval>> ReadApprovalsAsync(ModelVersion version, ModelAlias alias, CancellationToken cancellationToken);

    /// <summary>Moves (or removes) the alias as <paramref name="entry"/> says, appends it to the history, and records <paramref name="audit"/> with it.</summary>
    Task MoveAliasAsync(AliasHistoryEntry entry, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Reads one approval request of the model, or <see langword="null"/> if it has none with <paramref name="id"/>.</summary>
    Task<PromotionApproval?> ReadApprovalAsync(string id, CancellationToken cancellationToken);

    /// <summary>Adds a new approval request, with <paramref name="audit"/>.</summary>
    Task AddApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Replaces the approval request with the id of <paramref name="approval"/> (its decision), with <paramref name="audit"/>.</summary>
    Task UpdateApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Reads the model's active rollout (at most one), or <see langword="null"/>.</summary>
    Task<Rollout?> ReadActiveRolloutAsync(CancellationToken cancellationToken);

    /// <summary>Reads one rollout of the model, or <see langword="null"/> if it has none with <paramref name="id"/>.</summary>
    Task<Rollout?> ReadRolloutAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a new rollout, with <paramref name="audit"/>. The store refuses a second active rollout of the model with
    /// <see cref="RegistryConflictException"/>, whatever the caller checked.
    /// </summary>
    Task AddRolloutAsync(Rollout rollout, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the rollout with the id of <paramref name="rollout"/>, with <paramref name="audit"/>; for a promotion, also
    /// moves the alias as <paramref name="promotion"/> says (with its own audit event), in the same commit.
    /// </summary>
    Task UpdateRolloutAsync(Rollout rollout, AuditEvent audit, (AliasHistoryEntry Entry, AuditEvent Audit)? promotion, CancellationToken cancellationToken);

    /// <summary>Records an audit event that goes with no change of state (a rejected promotion).</summary>
    Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Records a change to publish once the unit of work commits.</summary>
    Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken);
}

/// <summary>One unit of work that may create a model, begun by <see cref="IRegistryStore.CreateModelAsync{T}"/>.</summary>
internal interface IRegistryCreation
{
    /// <summary>Gets the time to stamp what this unit of work writes (in the store's precision).</summary>
    DateTimeOffset Now { get; }

    /// <summary>
    /// Stores <paramref name="model"/> with <paramref name="audit"/>; returns <see langword="false"/>, storing nothing, if a
    /// model of that name exists. A store may refuse names it cannot keep apart (the file system: names that differ only in
    /// case) with <see cref="RegistryErrorCode.AlreadyExists"/>.
    /// </summary>
    Task<bool> InsertModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Records a change to publish once the unit of work commits.</summary>
    Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken);
}

/// <summary>An alias's holder (<see langword="null"/> if unassigned) and revision (the number of moves; 0 if never assigned).</summary>
internal readonly record struct AliasState(ModelVersion? Holder, long Revision);
