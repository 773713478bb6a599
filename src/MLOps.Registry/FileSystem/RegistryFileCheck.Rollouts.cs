namespace MLOps.Registry.FileSystem;

/// <content>The checks of the rollouts <c>model.json</c> holds.</content>
internal static partial class RegistryFileCheck
{
    /// <summary>Checks the rollouts of model <paramref name="name"/>: well-formed, ids unique, at most one active.</summary>
    private static void Rollouts(List<Rollout>? rollouts, string path, ModelName name)
    {
        if (rollouts is null)
        {
            throw Corrupt(path, "'rollouts' is null");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? active = null;
        for (int i = 0; i < rollouts.Count; i++)
        {
            string field = $"rollouts[{i}]";
            Rollout rollout = rollouts[i] ?? throw Corrupt(path, $"'{field}' is null");
            if (string.IsNullOrWhiteSpace(rollout.Id) || !ids.Add(rollout.Id))
            {
                throw Corrupt(path, $"'{field}' has no id, or the id of another rollout");
            }

            if (rollout.Name != name)
            {
                throw Corrupt(path, $"'{field}' is a rollout of model '{rollout.Name}', not of '{name}'");
            }

            Alias(rollout.Alias, path, field + ".alias");
            Version(rollout.Primary, path, field + ".primary");
            Version(rollout.Candidate, path, field + ".candidate");
            Defined(rollout.Strategy, path, field + ".strategy");
            Defined(rollout.State, path, field + ".state");
            Require(rollout.CreatedBy, path, field + ".createdBy");
            if (rollout.Steps is not { Count: > 0 } steps || steps.Any(s => s is < 1 or > 100) || rollout.Step < 0 || rollout.Step >= steps.Count)
            {
                throw Corrupt(path, $"'{field}' has no steps, a step weight outside 1-100, or a current step outside its steps");
            }

            if (rollout.Analysis is null || rollout.Decisions is null || rollout.Revision < 1)
            {
                throw Corrupt(path, $"'{field}' has no analysis or decisions, or a revision below 1");
            }

            for (int d = 0; d < rollout.Decisions.Count; d++)
            {
                RolloutDecision decision = rollout.Decisions[d] ?? throw Corrupt(path, $"'{field}.decisions[{d}]' is null");
                Defined(decision.Action, path, $"{field}.decisions[{d}].action");
                Require(decision.Reason, path, $"{field}.decisions[{d}].reason");
                Require(decision.Actor, path, $"{field}.decisions[{d}].actor");
            }

            if (rollout.IsActive)
            {
                if (active is not null)
                {
                    throw Corrupt(path, $"rollouts '{active}' and '{rollout.Id}' are both active; a model has at most one active rollout");
                }

                active = rollout.Id;
            }
        }
    }
}
