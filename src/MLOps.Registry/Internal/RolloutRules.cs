using System.Globalization;

namespace MLOps.Registry.Internal;

/// <summary>
/// Rollout semantics shared by every backend: the checks of a start request (steps, analysis settings, warm-up, the
/// candidate's compatibility with the primary) and the table of the decisions an update may record.
/// </summary>
/// <remarks>
/// The transitions (anything on an ended rollout is <see cref="RegistryErrorCode.InvalidState"/>; every accepted decision
/// appends one <see cref="RolloutDecision"/> and adds 1 to the revision):
/// <code>
/// Action             From                                  To                 Step / candidate weight
/// Started            (refused: use StartRolloutAsync)
/// Advanced           Progressing, not at the last step     Progressing        Step + 1 / Steps[Step + 1]
/// Held               Progressing                           Progressing        unchanged
/// ApprovalRequested  Progressing                           AwaitingApproval   unchanged
/// Approved           AwaitingApproval                      Progressing        unchanged
/// Paused             Progressing, AwaitingApproval         Paused             unchanged
/// Resumed            Paused                                Progressing        unchanged
/// Promoted           Progressing, AwaitingApproval, Paused Succeeded          unchanged / 100 (the alias moves to the candidate, through the gates)
/// RolledBack         any active                            RolledBack         unchanged / 0
/// Aborted            any active                            Aborted            unchanged / 0
/// Restarted          any active                            Progressing        0 / Steps[0], with the request's new candidate
/// </code>
/// </remarks>
internal static class RolloutRules
{
    public const int MaxSteps = 20;
    public const int MaxWarmupPredictions = 100_000;
    public const int MaxFailureThreshold = 100;
    public const long MaxMinSampleSize = 1_000_000_000;

    /// <summary>The longest analysis interval and the highest latency limit.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>The default steps of each strategy, as documented on <see cref="StartRolloutRequest.Steps"/>.</summary>
    public static int[] DefaultSteps(RolloutStrategy strategy) => strategy switch
    {
        RolloutStrategy.Canary => [10, 25, 50],
        RolloutStrategy.BlueGreen => [100],
        RolloutStrategy.Experiment => [50],
        _ => [100],
    };

    /// <summary>
    /// Checks the steps (or takes the strategy's default): 1 to <see cref="MaxSteps"/> weights, each 1–100, strictly
    /// increasing. A blue-green rollout switches at once (its only step is 100); an experiment keeps one fixed split.
    /// </summary>
    public static int[] Steps(IReadOnlyList<int>? steps, RolloutStrategy strategy, string paramName)
    {
        if (steps is null)
        {
            return DefaultSteps(strategy);
        }

        if (steps.Count is 0 or > MaxSteps)
        {
            throw new ArgumentException($"A rollout needs 1 to {MaxSteps} steps; {Count(steps.Count)} were given.", paramName);
        }

        int[] result = [.. steps];
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] is < 1 or > 100)
            {
                throw new ArgumentException($"Step {Count(i)} is {Count(result[i])}; every step is a weight of 1 to 100 percent.", paramName);
            }

            if (i > 0 && result[i] <= result[i - 1])
            {
                throw new ArgumentException($"The steps must be strictly increasing, but step {Count(i)} ({Count(result[i])}) follows {Count(result[i - 1])}.", paramName);
            }
        }

        if (strategy == RolloutStrategy.BlueGreen && result is not [100])
        {
            throw new ArgumentException("A blue-green rollout switches all traffic at once: its steps are [100] (or leave them out).", paramName);
        }

        if (strategy == RolloutStrategy.Experiment && result.Length != 1)
        {
            throw new ArgumentException("An experiment keeps one fixed split: give one step (the candidate's share), or leave them out for 50.", paramName);
        }

        return result;
    }

    /// <summary>Checks the analysis settings (or takes the defaults).</summary>
    public static RolloutAnalysis Analysis(RolloutAnalysis? analysis, string paramName)
    {
        if (analysis is null)
        {
            return new RolloutAnalysis();
        }

        if (analysis.Interval <= TimeSpan.Zero || analysis.Interval > MaxInterval)
        {
            throw new ArgumentException($"The analysis interval is {analysis.Interval}; it must be positive and at most one day.", paramName);
        }

        if (analysis.FailureThreshold is < 1 or > MaxFailureThreshold)
        {
            throw new ArgumentException($"The failure threshold is {Count(analysis.FailureThreshold)}; it must be 1 to {Count(MaxFailureThreshold)}.", paramName);
        }

        if (analysis.MinSampleSize is < 1 or > MaxMinSampleSize)
        {
            throw new ArgumentException($"The minimum sample size is {analysis.MinSampleSize.ToString(CultureInfo.InvariantCulture)}; it must be 1 to {MaxMinSampleSize.ToString(CultureInfo.InvariantCulture)}.", paramName);
        }

        if (analysis.MaxErrorRate is { } rate && !(rate >= 0 && rate <= 1))
        {
            throw new ArgumentException($"The maximum error rate is {Number(rate)}; it must be a fraction from 0 to 1.", paramName);
        }

        if (analysis.MaxLatencyRatio is { } ratio && !(ratio >= 1 && double.IsFinite(ratio)))
        {
            throw new ArgumentException($"The maximum latency ratio is {Number(ratio)}; it must be a finite number of at least 1.", paramName);
        }

        if (analysis.MaxLatency is { } latency && (latency <= TimeSpan.Zero || latency > MaxInterval))
        {
            throw new ArgumentException($"The maximum latency is {latency}; it must be positive and at most one day.", paramName);
        }

        if (analysis.QualityMetric is { } metric
            && (string.IsNullOrWhiteSpace(metric) || metric.Length > RegistryValidation.MaxKeyLength || metric.Any(char.IsControl)))
        {
            throw new ArgumentException($"The quality metric '{Short(metric)}' is not valid: use 1 to {Count(RegistryValidation.MaxKeyLength)} printable characters.", paramName);
        }

        if (!(analysis.MaxQualityDegradation >= 0 && analysis.MaxQualityDegradation <= 1))
        {
            throw new ArgumentException($"The maximum quality degradation is {Number(analysis.MaxQualityDegradation)}; it must be a fraction from 0 to 1.", paramName);
        }

        if (!(analysis.Alpha > 0 && analysis.Alpha < 1))
        {
            throw new ArgumentException($"The significance level alpha is {Number(analysis.Alpha)}; it must be between 0 and 1 (exclusive).", paramName);
        }

        return analysis;
    }

    /// <summary>Checks the number of warm-up predictions.</summary>
    public static int Warmup(int warmup, string paramName) =>
        warmup is < 0 or > MaxWarmupPredictions
            ? throw new ArgumentException($"The warm-up is {Count(warmup)} predictions; it must be 0 to {Count(MaxWarmupPredictions)}.", paramName)
            : warmup;

    /// <summary>Checks a rollout id argument (a non-blank, printable key); a well-formed id that does not exist is not found, not invalid.</summary>
    public static string Id(string? id, string paramName)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > RegistryValidation.MaxKeyLength || id.Any(char.IsControl))
        {
            throw new ArgumentException($"A rollout id must be 1 to {RegistryValidation.MaxKeyLength} printable characters.", paramName);
        }

        return id;
    }

    /// <summary>
    /// Why <paramref name="candidate"/> cannot be rolled out against <paramref name="primary"/>, or <see langword="null"/>:
    /// it must be ready and another version, and when both have a signature, the same input columns (compared by name,
    /// ordinally, in any order; each with the same type, vector-ness and size). Outputs are not compared: a candidate may
    /// add output columns, and the caller's output type decides what it reads.
    /// </summary>
    public static string? Incompatibility(ModelName name, RegisteredModelVersion candidate, ModelVersion primary, RegisteredModelVersion? primaryVersion)
    {
        if (candidate.Status != ModelVersionStatus.Ready)
        {
            return $"Version {candidate.Version} of model '{name}' is {candidate.Status}; only a ready version can be rolled out.";
        }

        if (candidate.Version == primary)
        {
            return $"Version {candidate.Version} of model '{name}' already holds the alias; a rollout needs a different candidate.";
        }

        if (candidate.Signature is not { } next || primaryVersion?.Signature is not { } current)
        {
            return null;
        }

        var wanted = current.Inputs.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var offered = next.Inputs.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach ((string column, SignatureColumn expected) in wanted)
        {
            if (!offered.TryGetValue(column, out SignatureColumn? actual))
            {
                return $"Version {candidate.Version} of model '{name}' does not take the input column '{Short(column)}' that version {primary} takes; the signatures are incompatible.";
            }

            if (!string.Equals(actual.Type, expected.Type, StringComparison.Ordinal) || actual.IsVector != expected.IsVector || actual.Size != expected.Size)
            {
                return $"The input column '{Short(column)}' is {Describe(actual)} in version {candidate.Version} but {Describe(expected)} in version {primary} of model '{name}'; the signatures are incompatible.";
            }
        }

        return offered.Keys.FirstOrDefault(c => !wanted.ContainsKey(c)) is { } extra
            ? $"Version {candidate.Version} of model '{name}' takes the input column '{Short(extra)}' that version {primary} does not; the signatures are incompatible."
            : null;
    }

    /// <summary>
    /// The history after <paramref name="decision"/>: the first decision (the start), the latest
    /// <paramref name="keepLatest"/>, and the latest <see cref="RolloutAction.Restarted"/> even when it is older (the
    /// analysis keys its window on it); the ones dropped in between are added to <paramref name="dropped"/>. The same rule
    /// for every backend, so a long rollout (a flapping check appends a <see cref="RolloutAction.Held"/> per change of
    /// reason) keeps a bounded record.
    /// </summary>
    public static (IReadOnlyList<RolloutDecision> Decisions, long Dropped) AppendDecision(
        IReadOnlyList<RolloutDecision> decisions, long dropped, RolloutDecision decision, int keepLatest)
    {
        RolloutDecision[] all = [.. decisions, decision];
        if (all.Length <= 1 + keepLatest)
        {
            return (all, dropped);
        }

        int lastRestart = Array.FindLastIndex(all, d => d.Action == RolloutAction.Restarted);
        int firstLatest = all.Length - keepLatest;
        var kept = new List<RolloutDecision>(keepLatest + 2) { all[0] };
        for (int i = 1; i < all.Length; i++)
        {
            if (i >= firstLatest || i == lastRestart)
            {
                kept.Add(all[i]);
            }
        }

        return (kept, dropped + (all.Length - kept.Count));
    }

    /// <summary>The rollout after <paramref name="action"/> (all but promotion's alias move and restart's candidate), or why it is not allowed.</summary>
    public static Rollout Apply(Rollout rollout, RolloutAction action)
    {
        if (!rollout.IsActive)
        {
            throw InvalidState($"Rollout '{rollout.Id}' of model '{rollout.Name}' has ended ({rollout.State}); no decision can be recorded on it.");
        }

        RolloutState state = rollout.State;
        return action switch
        {
            RolloutAction.Advanced when state == RolloutState.Progressing && rollout.Step < rollout.Steps.Count - 1 =>
                rollout with { Step = rollout.Step + 1, CandidateWeight = rollout.Steps[rollout.Step + 1] },
            RolloutAction.Advanced when state == RolloutState.Progressing =>
                throw InvalidState($"Rollout '{rollout.Id}' of model '{rollout.Name}' is at its last step ({Count(rollout.CandidateWeight)} %); promote it instead of advancing."),
            RolloutAction.Held when state == RolloutState.Progressing => rollout,
            RolloutAction.ApprovalRequested when state == RolloutState.Progressing => rollout with { State = RolloutState.AwaitingApproval },
            RolloutAction.Approved when state == RolloutState.AwaitingApproval => rollout with { State = RolloutState.Progressing },
            RolloutAction.Paused when state is RolloutState.Progressing or RolloutState.AwaitingApproval => rollout with { State = RolloutState.Paused },
            RolloutAction.Resumed when state == RolloutState.Paused => rollout with { State = RolloutState.Progressing },
            RolloutAction.Promoted => rollout with { State = RolloutState.Succeeded, CandidateWeight = 100 },
            RolloutAction.RolledBack => rollout with { State = RolloutState.RolledBack, CandidateWeight = 0 },
            RolloutAction.Aborted => rollout with { State = RolloutState.Aborted, CandidateWeight = 0 },
            RolloutAction.Restarted => rollout with { State = RolloutState.Progressing, Step = 0, CandidateWeight = rollout.Steps[0] },
            RolloutAction.Started => throw new ArgumentException("A rollout is started with StartRolloutAsync, not recorded as a decision.", nameof(action)),
            _ when !Enum.IsDefined(action) => throw new ArgumentException($"'{action}' is not a rollout action.", nameof(action)),
            _ => throw InvalidState($"Rollout '{rollout.Id}' of model '{rollout.Name}' is {rollout.State}; '{action}' is not allowed in that state."),
        };
    }

    /// <summary>The audit target of a rollout: <c>name@alias rollout id</c>.</summary>
    public static string Target(Rollout rollout) => $"{rollout.Name}@{rollout.Alias} rollout {rollout.Id}";

    private static string Describe(SignatureColumn column) =>
        column.IsVector ? $"a vector of {column.Type} (size {Count(column.Size)})" : column.Type;

    private static string Short(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static ModelRegistryException InvalidState(string message) => new(RegistryErrorCode.InvalidState, message);
}
