namespace MLOps.Registry.Internal;

/// <summary>Alias semantics shared by every backend.</summary>
internal static class AliasRules
{
    /// <summary>
    /// The version a rollback moves the alias to. The history is replayed as a stack: a promotion pushes its version, a
    /// removal pushes "unassigned", a rollback pops; the target is the entry below the top. Returns
    /// <see langword="null"/> when there is nothing to roll back to.
    /// </summary>
    public static ModelVersion? RollbackTarget(IEnumerable<AliasHistoryEntry> historyOfOneAlias)
    {
        var stack = new List<ModelVersion?>();
        foreach (AliasHistoryEntry entry in historyOfOneAlias)
        {
            switch (entry.Action)
            {
                case AliasAction.Promote:
                case AliasAction.Remove:
                    stack.Add(entry.Version);
                    break;
                case AliasAction.Rollback when stack.Count > 0:
                    stack.RemoveAt(stack.Count - 1);
                    break;
            }
        }

        return stack.Count >= 2 ? stack[^2] : null;
    }

    /// <summary>Evaluates every gate (a throwing custom gate counts as failed) and returns the failures.</summary>
    public static List<string> EvaluateGates(IReadOnlyList<PromotionGate>? gates, PromotionGateContext context)
    {
        var failures = new List<string>();
        if (gates is null)
        {
            return failures;
        }

        foreach (PromotionGate gate in gates)
        {
            try
            {
                if (gate?.Evaluate(context) is { } failure)
                {
                    failures.Add(failure);
                }
            }
#pragma warning disable CA1031 // a custom gate's bug is reported as a failed gate, not a crashed promotion
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"{gate!.GetType().Name} threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        return failures;
    }

    public static string Target(ModelName name, ModelAlias alias) => $"{name}@{alias}";

    /// <summary>The audit target of an approval request: <c>name/version@alias approval id</c>.</summary>
    public static string ApprovalTarget(PromotionApproval approval) => $"{approval.Name}/{approval.Version}@{approval.Alias} approval {approval.Id}";

    public static string Target(ModelName name, ModelVersion version) => $"{name}/{version}";
}
