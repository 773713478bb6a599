using System.Reflection;

namespace MLOps.Monitoring.Tests.Rollouts.Support;

/// <summary>
/// A test decorator over a real registry (the file-system one) that stores rollouts in memory, until the registries
/// implement them (branch <c>rollouts</c>): revision checks, steps and weights, and promotion through the real
/// <see cref="IModelRegistry.PromoteAsync"/>, so the alias really moves. <see cref="Down"/> makes every rollout call
/// fail as an unreachable registry would.
/// </summary>
public class InMemoryRollouts : DispatchProxy
{
    private readonly Lock _gate = new();
    private readonly List<Rollout> _rollouts = [];
    private IModelRegistry _inner = null!;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>Gets or sets whether the registry is unreachable (every rollout call throws <see cref="IOException"/>).</summary>
    public bool Down { get; set; }

    /// <summary>Gets the number of <see cref="IModelRegistry.UpdateRolloutAsync"/> calls that reached the store.</summary>
    public int Updates { get; private set; }

    /// <summary>Runs before an update is applied (a test changes the rollout here to simulate a concurrent decision).</summary>
    public Action<UpdateRolloutRequest>? BeforeUpdate { get; set; }

    public static (IModelRegistry Registry, InMemoryRollouts Rollouts) Over(IModelRegistry inner, TimeProvider time)
    {
        IModelRegistry proxy = Create<IModelRegistry, InMemoryRollouts>();
        var rollouts = (InMemoryRollouts)(object)proxy;
        rollouts._inner = inner;
        rollouts._time = time;
        return (proxy, rollouts);
    }

    /// <summary>Changes the stored rollout as another writer would (its revision moves).</summary>
    public void Change(ModelName name, Func<Rollout, Rollout> change)
    {
        lock (_gate)
        {
            int at = _rollouts.FindLastIndex(r => r.Name == name);
            _rollouts[at] = change(_rollouts[at]) with { Revision = _rollouts[at].Revision + 1 };
        }
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        switch (targetMethod.Name)
        {
            case nameof(IModelRegistry.StartRolloutAsync):
                return StartAsync((StartRolloutRequest)args[0]!);
            case nameof(IModelRegistry.UpdateRolloutAsync):
                return UpdateAsync((UpdateRolloutRequest)args[0]!);
            case nameof(IModelRegistry.GetActiveRolloutAsync):
                return Read(() => _rollouts.LastOrDefault(r => r.Name == (ModelName)args[0]! && r.IsActive));
            case nameof(IModelRegistry.GetRolloutAsync):
                return Read(() => _rollouts.LastOrDefault(r => r.Name == (ModelName)args[0]! && r.Id == (string)args[1]!));
            case nameof(IModelRegistry.ListRolloutsAsync):
                return Down ? Task.FromException<IReadOnlyList<Rollout>>(Unreachable())
                    : Task.FromResult<IReadOnlyList<Rollout>>([.. _rollouts.Where(r => r.Name == (ModelName)args[0]!).Reverse()]);
            default:
                try
                {
                    return targetMethod.Invoke(_inner, args);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                    throw;
                }
        }
    }

    private Task<Rollout?> Read(Func<Rollout?> read)
    {
        if (Down)
        {
            return Task.FromException<Rollout?>(Unreachable());
        }

        lock (_gate)
        {
            return Task.FromResult(read());
        }
    }

    private static IOException Unreachable() => new("The registry cannot be reached.");

    private async Task<Rollout> StartAsync(StartRolloutRequest request)
    {
        if (Down)
        {
            throw Unreachable();
        }

        RegisteredModel model = await _inner.GetModelAsync(request.Name) ?? throw new ModelRegistryException(RegistryErrorCode.NotFound, "no model");
        ModelVersion primary = model.Aliases[request.Alias];
        IReadOnlyList<int> steps = request.Steps ?? (request.Strategy == RolloutStrategy.Canary ? [10, 50, 100] : request.Strategy == RolloutStrategy.Experiment ? [50] : request.Strategy == RolloutStrategy.Shadow ? [0] : [100]);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_rollouts.Any(r => r.Name == request.Name && r.IsActive))
            {
                throw new RegistryConflictException("Another rollout of the model is active.");
            }

            var rollout = new Rollout
            {
                Id = Guid.NewGuid().ToString("N"),
                Name = request.Name,
                Alias = request.Alias,
                Strategy = request.Strategy,
                Primary = primary,
                Candidate = request.Candidate,
                Steps = steps,
                CandidateWeight = steps[0],
                State = RolloutState.Progressing,
                Analysis = request.Analysis ?? new RolloutAnalysis(),
                Decisions = [new RolloutDecision { Action = RolloutAction.Started, Timestamp = now, Step = 0, CandidateWeight = steps[0], Reason = request.Reason ?? "started", Actor = request.Actor ?? "" }],
                Revision = 1,
                CreatedAt = now,
                UpdatedAt = now,
            };
            _rollouts.Add(rollout);
            return rollout;
        }
    }

    private async Task<Rollout> UpdateAsync(UpdateRolloutRequest request)
    {
        if (Down)
        {
            throw Unreachable();
        }

        BeforeUpdate?.Invoke(request);
        Rollout current;
        lock (_gate)
        {
            Updates++;
            current = _rollouts.Single(r => r.Id == request.RolloutId);
            if (request.ExpectedRevision is { } expected && expected != current.Revision)
            {
                throw new RegistryConflictException($"Revision {current.Revision}, not {expected}.");
            }
        }

        if (request.Action == RolloutAction.Promoted)
        {
            await _inner.PromoteAsync(new PromoteRequest(current.Name, current.Candidate, current.Alias) { Reason = request.Reason, Actor = request.Actor });
        }

        lock (_gate)
        {
            Rollout next = request.Action switch
            {
                RolloutAction.Advanced => current with { Step = current.Step + 1, CandidateWeight = current.Steps[current.Step + 1] },
                RolloutAction.ApprovalRequested => current with { State = RolloutState.AwaitingApproval },
                RolloutAction.Promoted => current with { State = RolloutState.Succeeded, CandidateWeight = 100 },
                RolloutAction.RolledBack => current with { State = RolloutState.RolledBack, CandidateWeight = 0 },
                RolloutAction.Restarted => current with { Candidate = request.Candidate ?? current.Candidate, Step = 0, CandidateWeight = current.Steps[0] },
                _ => current,
            };
            DateTimeOffset now = _time.GetUtcNow();
            next = next with
            {
                Revision = current.Revision + 1,
                UpdatedAt = now,
                Decisions = [.. current.Decisions, new RolloutDecision
                {
                    Action = request.Action, Timestamp = now, Step = next.Step, CandidateWeight = next.CandidateWeight, Reason = request.Reason, Actor = request.Actor ?? "",
                }],
            };
            _rollouts[_rollouts.IndexOf(current)] = next;
            return next;
        }
    }
}
