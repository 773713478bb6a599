namespace MLOps.Registry.Internal;

/// <content>
/// Rollouts: started and decided in one unit of work over the model (so a second active rollout, a concurrent decision
/// and a promotion's alias move are serialized with every other change of the model), audited and published as
/// <see cref="RegistryChangeKind.RolloutChanged"/>. The decisions allowed in each state are in <see cref="RolloutRules"/>.
/// </content>
internal sealed partial class RegistryCore
{
    /// <summary>Starts a rollout of a candidate against the alias's holder.</summary>
    public async Task<Rollout> StartRolloutAsync(StartRolloutRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion candidateVersion = RegistryValidation.Version(request.Candidate, nameof(request));
        if (!Enum.IsDefined(request.Strategy))
        {
            throw new ArgumentException($"'{request.Strategy}' is not a rollout strategy.", nameof(request));
        }

        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        int[] steps = RolloutRules.Steps(request.Steps, request.Strategy, nameof(request));
        RolloutAnalysis analysis = RolloutRules.Analysis(request.Analysis, nameof(request));
        int warmup = RolloutRules.Warmup(request.WarmupPredictions, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        Rollout started = await store.WriteModelAsync(
            name,
            $"Starting a rollout of version {candidateVersion} of model '{name}'",
            async uow =>
            {
                AliasState state = await uow.ReadAliasAsync(alias, cancellationToken).ConfigureAwait(false);
                ModelVersion primary = state.Holder
                    ?? throw NotFound($"Alias '{alias}' of model '{name}' is not assigned; a rollout needs a version holding it to compare the candidate with.");
                await CandidateAsync(uow, candidateVersion, primary, cancellationToken).ConfigureAwait(false);
                if (await uow.ReadActiveRolloutAsync(cancellationToken).ConfigureAwait(false) is { } active)
                {
                    throw ActiveConflict(active);
                }

                DateTimeOffset now = uow.Now;
                string reason = request.Reason ?? string.Empty;
                var rollout = new Rollout
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Name = name,
                    Alias = alias,
                    Strategy = request.Strategy,
                    Primary = primary,
                    Candidate = candidateVersion,
                    Steps = steps,
                    Step = 0,
                    CandidateWeight = steps[0],
                    WarmupPredictions = warmup,
                    State = RolloutState.Progressing,
                    Analysis = analysis,
                    Decisions = [new RolloutDecision { Action = RolloutAction.Started, Timestamp = now, Step = 0, CandidateWeight = steps[0], Reason = reason, Actor = actor }],
                    Revision = 1,
                    CreatedBy = actor,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                await uow.AddRolloutAsync(
                    rollout,
                    Audit(now, actor, AuditActions.RolloutStarted, name, RolloutRules.Target(rollout), null, RolloutSummary(rollout, RolloutAction.Started), request.Reason),
                    cancellationToken).ConfigureAwait(false);
                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.RolloutChanged, name, candidateVersion, alias), cancellationToken).ConfigureAwait(false);
                return rollout;
            },
            cancellationToken).ConfigureAwait(false);
        Log.RolloutStarted(logger, name.Value, started.Id, started.Strategy, started.Primary, started.Candidate, started.CandidateWeight, actor);
        return started;
    }

    /// <summary>Records a decision on a rollout and applies it (a promotion moves the alias through the gates, in the same unit of work).</summary>
    public async Task<Rollout> UpdateRolloutAsync(UpdateRolloutRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        string id = RolloutRules.Id(request.RolloutId, nameof(request));
        RolloutAction action = request.Action;
        if (!Enum.IsDefined(action) || action == RolloutAction.Started)
        {
            throw new ArgumentException($"'{action}' cannot be recorded on a rollout (a rollout is started with StartRolloutAsync).", nameof(request));
        }

        string reason = request.Reason ?? string.Empty;
        RegistryValidation.Text(reason, nameof(request));
        if ((request.Candidate is null) == (action == RolloutAction.Restarted))
        {
            throw new ArgumentException("A new candidate is given with Restarted, and only with Restarted.", nameof(request));
        }

        if (request.Candidate is { } newCandidate)
        {
            RegistryValidation.Version(newCandidate, nameof(request));
        }

        if (request.Gates is not null && action != RolloutAction.Promoted)
        {
            throw new ArgumentException("Gates are given with Promoted only.", nameof(request));
        }

        string actor = RegistryValidation.Actor(request.Actor, defaultActor, nameof(request));
        (Rollout? updated, Rollout before, List<string>? failures, AliasHistoryEntry? moved) = await store.WriteModelAsync(
            name,
            $"Recording '{action}' on rollout '{id}' of model '{name}'",
            async uow =>
            {
                Rollout current = await uow.ReadRolloutAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw NotFound($"Model '{name}' has no rollout '{id}'.");
                if (request.ExpectedRevision is { } expected && expected != current.Revision)
                {
                    throw new RegistryConflictException(
                        $"Rollout '{id}' of model '{name}' is at revision {current.Revision}, but revision {expected} was expected: it changed concurrently. Re-read and retry.");
                }

                Rollout next = RolloutRules.Apply(current, action);
                DateTimeOffset now = uow.Now;
                (AliasHistoryEntry Entry, AuditEvent Audit)? promotion = null;
                if (action == RolloutAction.Restarted)
                {
                    await CandidateAsync(uow, request.Candidate!.Value, current.Primary, cancellationToken).ConfigureAwait(false);
                    next = next with { Candidate = request.Candidate.Value };
                }
                else if (action == RolloutAction.Promoted)
                {
                    (promotion, List<string>? rejected) = await PromotionAsync(uow, current, request.Gates, actor, reason, now, cancellationToken).ConfigureAwait(false);
                    if (rejected is not null)
                    {
                        return ((Rollout?)null, current, rejected, (AliasHistoryEntry?)null);
                    }
                }

                var decision = new RolloutDecision
                {
                    Action = action, Timestamp = now, Step = next.Step, CandidateWeight = next.CandidateWeight, Reason = reason, Actor = actor,
                };
                (IReadOnlyList<RolloutDecision> decisions, long dropped) = RolloutRules.AppendDecision(current.Decisions, current.DroppedDecisions, decision, maxRolloutDecisions);
                next = next with { Decisions = decisions, DroppedDecisions = dropped, Revision = current.Revision + 1, UpdatedAt = now };
                await uow.UpdateRolloutAsync(
                    next,
                    Audit(now, actor, AuditActions.RolloutDecided, name, RolloutRules.Target(next), RolloutSummary(current, null), RolloutSummary(next, action), request.Reason),
                    promotion,
                    cancellationToken).ConfigureAwait(false);
                if (promotion is { Entry: var entry })
                {
                    await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.AliasChanged, name, entry.Version, entry.Alias), cancellationToken).ConfigureAwait(false);
                }

                await uow.ChangedAsync(new RegistryChange(RegistryChangeKind.RolloutChanged, name, next.Candidate, next.Alias), cancellationToken).ConfigureAwait(false);
                return (next, current, (List<string>?)null, promotion?.Entry);
            },
            cancellationToken).ConfigureAwait(false);
        if (failures is not null)
        {
            Log.PromotionRejected(logger, name.Value, before.Candidate, before.Alias.Value, string.Join("; ", failures));
            throw new PromotionRejectedException(ModelReference.ForVersion(name, before.Candidate), before.Alias, failures);
        }

        if (moved is not null)
        {
            Logged(moved);
        }

        Log.RolloutDecided(logger, name.Value, updated!.Id, action, updated.State, updated.Step, updated.CandidateWeight, actor, reason);
        return updated;
    }

    /// <summary>The model's active rollout, or <see langword="null"/>.</summary>
    public async Task<Rollout?> GetActiveRolloutAsync(ModelName name, CancellationToken cancellationToken)
    {
        RegistryValidation.Name(name, nameof(name));
        IReadOnlyList<Rollout> rollouts = await store.ReadRolloutsAsync(name, null, activeOnly: true, cancellationToken).ConfigureAwait(false);
        return rollouts.Count > 0 ? rollouts[0] : null;
    }

    /// <summary>One rollout of the model, or <see langword="null"/>.</summary>
    public async Task<Rollout?> GetRolloutAsync(ModelName name, string rolloutId, CancellationToken cancellationToken)
    {
        RegistryValidation.Name(name, nameof(name));
        string id = RolloutRules.Id(rolloutId, nameof(rolloutId));
        IReadOnlyList<Rollout> rollouts = await store.ReadRolloutsAsync(name, id, activeOnly: false, cancellationToken).ConfigureAwait(false);
        return rollouts.Count > 0 ? rollouts[0] : null;
    }

    /// <summary>The model's rollouts, newest first.</summary>
    public Task<IReadOnlyList<Rollout>> ListRolloutsAsync(ModelName name, CancellationToken cancellationToken)
    {
        RegistryValidation.Name(name, nameof(name));
        return store.ReadRolloutsAsync(name, null, activeOnly: false, cancellationToken);
    }

    /// <summary>Checks a candidate (of a start or a restart) against the primary: see <see cref="RolloutRules.Incompatibility"/>.</summary>
    private static async Task CandidateAsync(IRegistryUnitOfWork uow, ModelVersion version, ModelVersion primary, CancellationToken cancellationToken)
    {
        RegisteredModelVersion candidate = await uow.ReadVersionAsync(version, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound($"Version {version} of model '{uow.Name}' does not exist.");
        RegisteredModelVersion? primaryVersion = candidate.Version == primary ? candidate : await uow.ReadVersionAsync(primary, cancellationToken).ConfigureAwait(false);
        if (RolloutRules.Incompatibility(uow.Name, candidate, primary, primaryVersion) is { } problem)
        {
            throw InvalidState(problem);
        }
    }

    /// <summary>
    /// The alias move of a rollout's promotion, if the alias still points to the primary and every gate passes; otherwise
    /// the failures (the rejection is audited, nothing else is written).
    /// </summary>
    private static async Task<((AliasHistoryEntry Entry, AuditEvent Audit)? Move, List<string>? Failures)> PromotionAsync(
        IRegistryUnitOfWork uow, Rollout rollout, IReadOnlyList<PromotionGate>? gates, string actor, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ModelName name = uow.Name;
        AliasState state = await uow.ReadAliasAsync(rollout.Alias, cancellationToken).ConfigureAwait(false);
        if (state.Holder != rollout.Primary)
        {
            throw InvalidState(
                $"Alias '{rollout.Alias}' of model '{name}' points to {state.Holder?.ToString() ?? "no version"}, not to version {rollout.Primary} the rollout started from " +
                "(it moved outside the rollout); abort the rollout instead of promoting it.");
        }

        RegisteredModelVersion candidate = await uow.ReadVersionAsync(rollout.Candidate, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound($"Version {rollout.Candidate} of model '{name}' does not exist.");
        if (candidate.Status != ModelVersionStatus.Ready)
        {
            throw InvalidState($"Version {rollout.Candidate} of model '{name}' is {candidate.Status}; only ready versions can be promoted.");
        }

        RegisteredModelVersion? holder = await uow.ReadVersionAsync(rollout.Primary, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PromotionApproval> approvals = await uow.ReadApprovalsAsync(rollout.Candidate, rollout.Alias, cancellationToken).ConfigureAwait(false);
        List<string> failures = AliasRules.EvaluateGates(gates, new PromotionGateContext(rollout.Alias, candidate, holder, approvals));
        string target = AliasRules.Target(name, rollout.Alias);
        string? why = reason.Length == 0 ? null : reason;
        if (failures.Count > 0)
        {
            await uow.AppendAuditAsync(
                Audit(now, actor, AuditActions.PromotionRejected, name, target, state.Holder?.ToString(), rollout.Candidate.ToString(), string.Join("; ", failures)),
                cancellationToken).ConfigureAwait(false);
            return (null, failures);
        }

        var entry = new AliasHistoryEntry
        {
            Name = name,
            Alias = rollout.Alias,
            Revision = state.Revision + 1,
            Action = AliasAction.Promote,
            Version = rollout.Candidate,
            PreviousVersion = state.Holder,
            Actor = actor,
            Reason = why,
            Timestamp = now,
        };
        return ((entry, Audit(now, actor, AuditActions.AliasPromoted, name, target, state.Holder?.ToString(), rollout.Candidate.ToString(), why)), null);
    }

    private static RegistryConflictException ActiveConflict(Rollout active) =>
        new($"Rollout '{active.Id}' of version {active.Candidate} of model '{active.Name}' is {active.State}; a model has one active rollout at a time. End it first.");

    /// <summary>The audit description of a rollout's state (before and after a decision), with the decision's action after it.</summary>
    private static string RolloutSummary(Rollout rollout, RolloutAction? action) =>
        Summary(new RolloutStateJson
        {
            Action = action,
            State = rollout.State,
            Strategy = rollout.Strategy,
            Primary = rollout.Primary,
            Candidate = rollout.Candidate,
            Step = rollout.Step,
            CandidateWeight = rollout.CandidateWeight,
            Revision = rollout.Revision,
        });

    private sealed class RolloutStateJson
    {
        public RolloutAction? Action { get; init; }

        public RolloutState State { get; init; }

        public RolloutStrategy Strategy { get; init; }

        public ModelVersion Primary { get; init; }

        public ModelVersion Candidate { get; init; }

        public int Step { get; init; }

        public int CandidateWeight { get; init; }

        public long Revision { get; init; }
    }
}
