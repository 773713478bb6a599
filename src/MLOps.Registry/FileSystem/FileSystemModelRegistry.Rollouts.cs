using MLOps.Registry.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <summary>Reads the rollouts <c>model.json</c> holds, newest first (see <see cref="MLOps.Registry.Internal.IRegistryStore.ReadRolloutsAsync"/>).</summary>
    private async Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(ModelName name, string? id, bool activeOnly, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        if (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false) is not { } document)
        {
            return [];
        }

        var found = new List<Rollout>();
        for (int i = document.Rollouts.Count - 1; i >= 0; i--)
        {
            Rollout rollout = document.Rollouts[i];
            if ((id is null || string.Equals(rollout.Id, id, StringComparison.Ordinal)) && (!activeOnly || rollout.IsActive))
            {
                found.Add(rollout);
            }
        }

        return found;
    }

    /// <summary>Adds a rollout to <c>model.json</c> (under the lock), refusing a second active one.</summary>
    private async Task AddRolloutAsync(ModelDocument document, Rollout rollout, AuditEvent audit)
    {
        if (rollout.IsActive && document.Rollouts.Find(r => r.IsActive) is { } active)
        {
            throw new RegistryConflictException($"Rollout '{active.Id}' of model '{active.Name}' is {active.State}; a model has one active rollout at a time.");
        }

        document.Rollouts.Add(rollout);
        await CommitModelAsync(document, audit).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces a rollout in <c>model.json</c> (under the lock); a promotion's alias move is made in the same atomic replace,
    /// its audit event first.
    /// </summary>
    private async Task UpdateRolloutAsync(ModelDocument document, Rollout rollout, AuditEvent audit, (AliasHistoryEntry Entry, AuditEvent Audit)? promotion)
    {
        int index = document.Rollouts.FindIndex(r => string.Equals(r.Id, rollout.Id, StringComparison.Ordinal));
        if (index < 0)
        {
            throw NotFound($"Model '{rollout.Name}' has no rollout '{rollout.Id}'.");
        }

        document.Rollouts[index] = rollout;
        if (promotion is not { } move)
        {
            await CommitModelAsync(document, audit).ConfigureAwait(false);
            return;
        }

        var aliases = new Dictionary<ModelAlias, ModelVersion>(document.Model.Aliases) { [move.Entry.Alias] = move.Entry.Version!.Value };
        document.Model = document.Model with { Aliases = aliases, UpdatedAt = move.Entry.Timestamp };
        document.AliasHistory.Add(move.Entry);
        await CommitModelAsync(document, move.Audit, audit).ConfigureAwait(false);
    }
}
