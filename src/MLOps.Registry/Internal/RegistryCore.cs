using Microsoft.Extensions.Logging;
using MLOps.Internal;

namespace MLOps.Registry.Internal;

/// <summary>
/// The registry's rules, written once for every backend: argument validation, optimistic concurrency on alias revisions,
/// promotion gates (with <see cref="PromotionGateContext.Approvals"/> filtered to the candidate version and alias),
/// audit events and change events. The backend supplies an <see cref="IRegistryStore"/>.
/// </summary>
/// <param name="store">The backend.</param>
/// <param name="defaultActor">The actor of a request that names none.</param>
/// <param name="logger">The logger.</param>
/// <param name="maxRolloutDecisions">How many latest decisions a rollout keeps besides its first (see <see cref="RolloutRules.AppendDecision"/>).</param>
internal sealed partial class RegistryCore(IRegistryStore store, string defaultActor, ILogger logger, int maxRolloutDecisions)
{
    /// <summary>Creates a model; <see cref="RegistryErrorCode.AlreadyExists"/> if one of that name exists.</summary>
    public async Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Tags(request.Tags, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        return await store.CreateModelAsync(
            $"Creating model '{name}'",
            async creation =>
            {
                RegisteredModel model = NewModel(name, request.Description, request.Tags, actor, creation.Now);
                if (!await creation.InsertModelAsync(model, ModelCreated(model), cancellationToken).ConfigureAwait(false))
                {
                    throw new ModelRegistryException(RegistryErrorCode.AlreadyExists, $"A registered model named '{name}' already exists.");
                }

                await creation.ChangedAsync(new RegistryChange(RegistryChangeKind.ModelCreated, name), cancellationToken).ConfigureAwait(false);
                return model;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new model (also the one a registration creates implicitly, with no description or tags).</summary>
    public static RegisteredModel NewModel(ModelName name, string? description, IReadOnlyDictionary<string, string>? tags, string actor, DateTimeOffset now) =>
        new()
        {
            Name = name,
            Description = description,
            Tags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
        };

    /// <summary>The audit event of a model's creation.</summary>
    public static AuditEvent ModelCreated(RegisteredModel model) =>
        Audit(model.CreatedAt, model.CreatedBy, AuditActions.ModelCreated, model.Name, model.Name.Value, null, ModelState(model.Description, model.Tags), null);

    /// <summary>The error of a registration into a missing model that the request does not create.</summary>
    public static ModelRegistryException ModelMissing(ModelName name) =>
        NotFound($"Registered model '{name}' does not exist (CreateModelIfMissing is false).");

    /// <summary>The audit event of a version's creation (pending); its reason is the lineage's, if any.</summary>
    public static AuditEvent VersionCreated(ModelName name, ModelVersion version, string actor, ModelLineage? lineage, DateTimeOffset now) =>
        Audit(now, actor, AuditActions.VersionCreated, name, AliasRules.Target(name, version), null, nameof(ModelVersionStatus.Pending), lineage?.Reason);

    /// <summary>The audit event of a version's change of status (pending to ready, or to failed with the failure as the reason).</summary>
    public static AuditEvent VersionStatusChanged(
        ModelName name, ModelVersion version, string actor, ModelVersionStatus from, ModelVersionStatus to, string? reason, DateTimeOffset now) =>
        Audit(now, actor, AuditActions.VersionStatusChanged, name, AliasRules.Target(name, version), from.ToString(), to.ToString(), reason);

    /// <summary>
    /// Registers a version: the request is checked here; the store runs the steps in its own order, building the records and
    /// audit events from the <see cref="VersionDraft"/>.
    /// </summary>
    public async Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken)
    {
        string primary = RegistryValidation.Register(request, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        request = WithFormat(request, primary);
        RegisteredModelVersion registered = await store.RegisterAsync(new VersionDraft(request, primary, actor), cancellationToken).ConfigureAwait(false);
        Log.VersionRegistered(logger, registered.Name.Value, registered.Version, registered.Artifacts.Count, actor);
        return registered;
    }

    /// <summary>
    /// Gets or sets the formats whose names are recorded: the built-in ones, or those of the application's services
    /// (with its <c>AddModelFormat</c> formats) when the registry comes from DI.
    /// </summary>
    public ModelFormatSet Formats { get; set; } = ModelFormatSet.BuiltIn;

    /// <summary>Records the format that claims the primary artifact as the <see cref="ModelFormats.Tag"/> tag, unless the request names one.</summary>
    private RegisterVersionRequest WithFormat(RegisterVersionRequest request, string primary)
    {
        if (request.Tags?.ContainsKey(ModelFormats.Tag) == true || Formats.Claim(primary) is not { } format)
        {
            return request;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelFormats.Tag] = format };
        foreach ((string key, string value) in request.Tags ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        return request with { Tags = tags };
    }

    /// <summary>Updates a model's description and tags.</summary>
    public async Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        RegistryValidation.Tags(request.SetTags, nameof(request));
        RegistryValidation.TagKeys(request.RemoveTags, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        return await store.WriteModelAsync(
            name,
            $"Updating model '{name}'",
            async uow =>
            {
                RegisteredModel before = await uow.ReadModelAsync(cancellationToken).ConfigureAwait(false);
                DateTimeOffset now = uow.Now;
                RegisteredModel updated = before with
                {
                    Description = request.Description ?? before.Description,
                    Tags = ApplyTags(before.Tags, request.SetTags, request.RemoveTags),
                    UpdatedAt = now,
                };
                RegisteredModel stored = await uow.UpdateModelAsync(
                    updated,
                    Audit(now, actor, AuditActions.ModelUpdated, name, name.Value, ModelState(before.Description, before.Tags), ModelState(updated.Description, updated.Tags),
                        request.Reason),
                    cancellationToken).ConfigureAwait(false);
                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.ModelUpdated, name), cancellationToken).ConfigureAwait(false);
                return stored;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces a version's reference profile: the content is stored first, then referenced in one unit of work (audited);
    /// the replaced profile is deleted after the commit, the new one if the unit of work fails.
    /// </summary>
    public async Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor, CancellationToken cancellationToken)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        ArgumentNullException.ThrowIfNull(profile);
        RegistryValidation.Profile(profile, nameof(profile));
        string who = RegistryValidation.Actor(actor, defaultActor, nameof(actor));
        if (await store.ReadVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is null)
        {
            throw NotFound($"Version {version} of model '{name}' does not exist.");
        }

        ArtifactDescriptor stored = await store.PutProfileAsync(name, version, profile, cancellationToken).ConfigureAwait(false);
        RegisteredModelVersion updated;
        ArtifactDescriptor? previous;
        try
        {
            (updated, previous) = await store.WriteModelAsync(
                name,
                $"Setting the reference profile of version {version} of model '{name}'",
                async uow =>
                {
                    RegisteredModelVersion current = await uow.ReadVersionAsync(version, cancellationToken).ConfigureAwait(false)
                        ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                    DateTimeOffset now = uow.Now;
                    RegisteredModelVersion changed = current with { ReferenceProfile = stored, ReferenceProfileContentType = profile.ContentType, UpdatedAt = now };
                    RegisteredModelVersion result = await uow.UpdateVersionAsync(
                        changed,
                        Audit(now, who, AuditActions.ReferenceProfileSet, name, AliasRules.Target(name, version), current.ReferenceProfile?.Sha256, stored.Sha256, null),
                        cancellationToken).ConfigureAwait(false);
                    await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.VersionChanged, name, version), cancellationToken).ConfigureAwait(false);
                    return (result, current.ReferenceProfile);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DeleteProfileAsync(name, version, stored).ConfigureAwait(false);   // referenced by nothing
            throw;
        }

        if (previous is not null && previous.Path != stored.Path)
        {
            await store.DeleteProfileAsync(name, version, previous).ConfigureAwait(false);
        }

        return updated;
    }

    /// <summary>Promotes a ready version to an alias, if every gate passes; a rejection is audited.</summary>
    public async Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RegistryValidation.Name(request.Name, nameof(request));   // in the order of the request's properties
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        (ModelName name, ModelAlias alias, string actor) = AliasArguments(request.Name, request.Alias, request.Reason, request.Actor);
        (AliasHistoryEntry? entry, List<string>? failures) = await store.WriteModelAsync(
            name,
            $"Promoting version {version} of model '{name}' to '{alias}'",
            async uow =>
            {
                RegisteredModelVersion candidate = await uow.ReadVersionAsync(version, cancellationToken).ConfigureAwait(false)
                    ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                if (candidate.Status != ModelVersionStatus.Ready)
                {
                    throw InvalidState($"Version {version} of model '{name}' is {candidate.Status}; only ready versions can be promoted.");
                }

                AliasState state = await uow.ReadAliasAsync(alias, cancellationToken).ConfigureAwait(false);
                CheckRevision(name, alias, request.ExpectedRevision, state.Revision);
                RegisteredModelVersion? holder = state.Holder is { } held
                    ? await uow.ReadVersionAsync(held, cancellationToken).ConfigureAwait(false)
                    : null;

                // As documented on PromotionGateContext.Approvals: only the requests for this candidate and this alias.
                IReadOnlyList<PromotionApproval> approvals = await uow.ReadApprovalsAsync(version, alias, cancellationToken).ConfigureAwait(false);
                List<string> failures = AliasRules.EvaluateGates(request.Gates, new PromotionGateContext(alias, candidate, holder, approvals));
                DateTimeOffset now = uow.Now;
                if (failures.Count > 0)
                {
                    await uow.AppendAuditAsync(
                        Audit(now, actor, AuditActions.PromotionRejected, name, AliasRules.Target(name, alias), state.Holder?.ToString(), version.ToString(),
                            string.Join("; ", failures)),
                        cancellationToken).ConfigureAwait(false);
                    return ((AliasHistoryEntry?)null, failures);
                }

                AliasHistoryEntry moved = await MoveAsync(uow, alias, AliasAction.Promote, version, state, actor, request.Reason, now, AuditActions.AliasPromoted, cancellationToken)
                    .ConfigureAwait(false);
                return (moved, (List<string>?)null);
            },
            cancellationToken).ConfigureAwait(false);
        if (failures is not null)
        {
            Log.PromotionRejected(logger, name.Value, version, alias.Value, string.Join("; ", failures));
            throw new PromotionRejectedException(ModelReference.ForVersion(name, version), alias, failures);
        }

        return Logged(entry!);
    }

    /// <summary>Moves an alias back to its previous holder (the history replayed as a stack).</summary>
    public Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MoveAliasAsync(
            request.Name, request.Alias, request.Reason, request.Actor, request.ExpectedRevision, "Rolling back", AliasAction.Rollback, AuditActions.AliasRolledBack,
            async (uow, name, alias, _) =>
            {
                ModelVersion target = AliasRules.RollbackTarget(await uow.ReadAliasHistoryAsync(alias, cancellationToken).ConfigureAwait(false))
                    ?? throw InvalidState($"Alias '{alias}' of model '{name}' has no previous holder to roll back to.");
                RegisteredModelVersion? version = await uow.ReadVersionAsync(target, cancellationToken).ConfigureAwait(false);
                return version is { Status: ModelVersionStatus.Ready }
                    ? target
                    : throw InvalidState($"Alias '{alias}' of model '{name}' cannot roll back to version {target}: it is {version?.Status.ToString() ?? "missing"}.");
            },
            cancellationToken);
    }

    /// <summary>Unassigns an alias, keeping its history.</summary>
    public Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MoveAliasAsync(
            request.Name, request.Alias, request.Reason, request.Actor, request.ExpectedRevision, "Removing", AliasAction.Remove, AuditActions.AliasRemoved,
            (_, name, alias, state) => state.Holder is null
                ? throw NotFound($"Alias '{alias}' of model '{name}' is not assigned.")
                : Task.FromResult<ModelVersion?>(null),
            cancellationToken);
    }

    /// <summary>
    /// An alias move without gates (rollback, removal): checks the arguments and the expected revision, asks
    /// <paramref name="target"/> for the new holder (<see langword="null"/>: none), then moves, audits and logs.
    /// </summary>
    private async Task<AliasHistoryEntry> MoveAliasAsync(
        ModelName requestName,
        ModelAlias requestAlias,
        string? reason,
        string? requestActor,
        long? expectedRevision,
        string verb,
        AliasAction action,
        string auditAction,
        Func<IRegistryUnitOfWork, ModelName, ModelAlias, AliasState, Task<ModelVersion?>> target,
        CancellationToken cancellationToken)
    {
        (ModelName name, ModelAlias alias, string actor) = AliasArguments(requestName, requestAlias, reason, requestActor);
        AliasHistoryEntry entry = await store.WriteModelAsync(
            name,
            $"{verb} alias '{alias}' of model '{name}'",
            async uow =>
            {
                AliasState state = await uow.ReadAliasAsync(alias, cancellationToken).ConfigureAwait(false);
                CheckRevision(name, alias, expectedRevision, state.Revision);
                ModelVersion? holder = await target(uow, name, alias, state).ConfigureAwait(false);
                return await MoveAsync(uow, alias, action, holder, state, actor, reason, uow.Now, auditAction, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return Logged(entry);
    }

    /// <summary>Records a pending request to promote a version to an alias.</summary>
    public async Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        return await store.WriteModelAsync(
            name,
            $"Requesting approval to promote version {version} of model '{name}' to '{alias}'",
            async uow =>
            {
                if (await uow.ReadVersionAsync(version, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw NotFound($"Version {version} of model '{name}' does not exist.");
                }

                DateTimeOffset now = uow.Now;
                var approval = new PromotionApproval
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Name = name,
                    Version = version,
                    Alias = alias,
                    State = ApprovalState.Pending,
                    RequestedBy = actor,
                    RequestedAt = now,
                    Reason = request.Reason,
                };
                await uow.AddApprovalAsync(
                    approval,
                    Audit(now, actor, AuditActions.ApprovalRequested, name, AliasRules.ApprovalTarget(approval), null, nameof(ApprovalState.Pending), request.Reason),
                    cancellationToken).ConfigureAwait(false);
                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, version, alias), cancellationToken).ConfigureAwait(false);
                return approval;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Approves or rejects a pending request; the requester cannot decide their own.</summary>
    public async Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ModelName name = RegistryValidation.Name(decision.Name, nameof(decision));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.ApprovalId, nameof(decision));
        RegistryValidation.Text(decision.Reason, nameof(decision));
        string actor = RegistryValidation.Actor(decision.Actor, defaultActor, nameof(decision));
        return await store.WriteModelAsync(
            name,
            $"Deciding approval '{decision.ApprovalId}' of model '{name}'",
            async uow =>
            {
                PromotionApproval current = await uow.ReadApprovalAsync(decision.ApprovalId, cancellationToken).ConfigureAwait(false)
                    ?? throw NotFound($"Model '{name}' has no approval request '{decision.ApprovalId}'.");
                if (current.State != ApprovalState.Pending)
                {
                    throw InvalidState($"Approval request '{current.Id}' of model '{name}' was already {current.State.ToString().ToLowerInvariant()} by {current.DecidedBy}.");
                }

                if (string.Equals(current.RequestedBy, actor, StringComparison.Ordinal))
                {
                    throw InvalidState($"'{actor}' requested approval '{current.Id}' and cannot decide it; another actor must.");
                }

                DateTimeOffset now = uow.Now;
                PromotionApproval decided = current with
                {
                    State = decision.Approve ? ApprovalState.Approved : ApprovalState.Rejected,
                    DecidedBy = actor,
                    DecidedAt = now,
                    DecisionReason = decision.Reason,
                };
                await uow.UpdateApprovalAsync(
                    decided,
                    Audit(now, actor, AuditActions.ApprovalDecided, name, AliasRules.ApprovalTarget(current), nameof(ApprovalState.Pending), decided.State.ToString(),
                        decision.Reason),
                    cancellationToken).ConfigureAwait(false);
                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, decided.Version, decided.Alias), cancellationToken).ConfigureAwait(false);
                return decided;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queries the audit trail: the query is checked here (a limit of at least 1, a valid model name), the store reads.</summary>
    public Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query, CancellationToken cancellationToken)
    {
        query ??= new AuditQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        if (query.Model is { } model)
        {
            RegistryValidation.Name(model, nameof(query));
        }

        return store.ReadAuditAsync(query, cancellationToken);
    }

    /// <summary>Updates a version's description, tags, metrics and (write-once) parameters.</summary>
    public async Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ValidateVersionUpdate(request);
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        return await store.WriteModelAsync(
            name,
            $"Updating version {version} of model '{name}'",
            async uow =>
            {
                RegisteredModelVersion current = await uow.ReadVersionAsync(version, cancellationToken).ConfigureAwait(false)
                    ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                RegisteredModelVersion updated = ApplyVersionUpdate(current, request, uow.Now);
                RegisteredModelVersion stored = await uow.UpdateVersionAsync(updated, VersionUpdated(current, updated, actor, request.Reason), cancellationToken)
                    .ConfigureAwait(false);
                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.VersionChanged, name, version), cancellationToken).ConfigureAwait(false);
                return stored;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a version update's arguments (everything but the name and version).</summary>
    private static void ValidateVersionUpdate(UpdateVersionRequest request)
    {
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        RegistryValidation.Tags(request.SetTags, nameof(request));
        RegistryValidation.TagKeys(request.RemoveTags, nameof(request));
        RegistryValidation.Metrics(request.Metrics, nameof(request));
        RegistryValidation.Params(request.Params, nameof(request));
        RegistryValidation.FeatureImportance(request.FeatureImportance, nameof(request));
    }

    /// <summary>
    /// Applies a version update: the description if given, tags removed then set, metrics overwritten, parameters added
    /// (write-once: any already logged fails the whole update with <see cref="RegistryErrorCode.ParamAlreadyLogged"/>).
    /// </summary>
    private static RegisteredModelVersion ApplyVersionUpdate(RegisteredModelVersion current, UpdateVersionRequest request, DateTimeOffset now)
    {
        if (request.Params is { Count: > 0 } newParams)
        {
            string[] existing = [.. newParams.Keys.Where(current.Params.ContainsKey).Order(StringComparer.Ordinal)];
            if (existing.Length > 0)
            {
                throw new ModelRegistryException(
                    RegistryErrorCode.ParamAlreadyLogged,
                    $"Parameter(s) {string.Join(", ", existing.Select(k => $"'{k}'"))} of {current.Name}/{current.Version} are already logged; parameters are write-once. Nothing was changed.");
            }
        }

        var metrics = new Dictionary<string, double>(current.Metrics, StringComparer.Ordinal);
        foreach ((string key, double value) in request.Metrics ?? new Dictionary<string, double>())
        {
            metrics[key] = value;
        }

        var parameters = new Dictionary<string, string>(current.Params, StringComparer.Ordinal);
        foreach ((string key, string value) in request.Params ?? new Dictionary<string, string>())
        {
            parameters[key] = value;
        }

        return current with
        {
            Description = request.Description ?? current.Description,
            Tags = ApplyTags(current.Tags, request.SetTags, request.RemoveTags),
            Metrics = metrics,
            Params = parameters,
            FeatureImportance = RegistryValidation.FeatureImportance(request.FeatureImportance, nameof(request)) ?? current.FeatureImportance,
            UpdatedAt = now,
        };
    }

    /// <summary>The audit event of a version update.</summary>
    private static AuditEvent VersionUpdated(RegisteredModelVersion before, RegisteredModelVersion after, string actor, string? reason) =>
        Audit(after.UpdatedAt, actor, AuditActions.VersionUpdated, after.Name, AliasRules.Target(after.Name, after.Version),
            VersionState(before.Description, before.Tags, before.Metrics, before.Params), VersionState(after.Description, after.Tags, after.Metrics, after.Params), reason);

    /// <summary>Checks the arguments every alias move has (parameter <c>request</c>) and resolves the actor.</summary>
    private (ModelName Name, ModelAlias Alias, string Actor) AliasArguments(ModelName name, ModelAlias alias, string? reason, string? actor)
    {
        RegistryValidation.Name(name, "request");
        RegistryValidation.Alias(alias, "request");
        RegistryValidation.Text(reason, "request");
        return (name, alias, RegistryValidation.Actor(actor, defaultActor, "request"));
    }

    private static async Task<AliasHistoryEntry> MoveAsync(
        IRegistryUnitOfWork uow, ModelAlias alias, AliasAction action, ModelVersion? version, AliasState state, string actor, string? reason, DateTimeOffset now,
        string auditAction, CancellationToken cancellationToken)
    {
        var entry = new AliasHistoryEntry
        {
            Name = uow.Name,
            Alias = alias,
            Revision = state.Revision + 1,
            Action = action,
            Version = version,
            PreviousVersion = state.Holder,
            Actor = actor,
            Reason = reason,
            Timestamp = now,
        };
        await uow.MoveAliasAsync(
            entry,
            Audit(now, actor, auditAction, uow.Name, AliasRules.Target(uow.Name, alias), state.Holder?.ToString(), version?.ToString(), reason),
            cancellationToken).ConfigureAwait(false);
        await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.AliasChanged, uow.Name, version, alias), cancellationToken).ConfigureAwait(false);
        return entry;
    }

    private static void CheckRevision(ModelName name, ModelAlias alias, long? expected, long actual)
    {
        if (expected is { } wanted && wanted != actual)
        {
            throw new RegistryConflictException(
                $"Alias '{alias}' of model '{name}' is at revision {actual}, but revision {wanted} was expected: it moved concurrently. Re-read and retry.");
        }
    }

    private AliasHistoryEntry Logged(AliasHistoryEntry entry)
    {
        Log.AliasMoved(logger, entry.Name.Value, entry.Alias.Value, entry.PreviousVersion, entry.Version, entry.Action, entry.Actor, entry.Reason);
        return entry;
    }

    private static ModelRegistryException NotFound(string message) => new(RegistryErrorCode.NotFound, message);

    private static ModelRegistryException InvalidState(string message) => new(RegistryErrorCode.InvalidState, message);
}
