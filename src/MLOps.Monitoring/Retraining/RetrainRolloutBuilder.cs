namespace MLOps.Monitoring.Retraining;

/// <summary>
/// The rollout a retrain starts for a better candidate (<see cref="RetrainPolicyBuilder{TIn}.StartRolloutWhenBetter"/>):
/// its strategy, steps and analysis settings. The registry checks them when the rollout starts.
/// </summary>
public sealed class RetrainRolloutBuilder
{
    internal RetrainRolloutBuilder()
    {
    }

    internal RolloutStrategy Strategy { get; private set; } = RolloutStrategy.Canary;

    internal IReadOnlyList<int>? Steps { get; private set; }

    internal RolloutAnalysis? Analysis { get; private set; }

    internal ModelAlias AliasValue { get; private set; } = ModelAlias.Champion;

    internal int WarmupPredictions { get; private set; }

    /// <summary>A canary: the candidate's share of traffic rises through <paramref name="steps"/> (percentages, increasing).</summary>
    /// <param name="steps">The candidate's weights; none for the registry's default steps.</param>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder Canary(params int[] steps) => Set(RolloutStrategy.Canary, steps);

    /// <summary>A blue-green switch: the warmed candidate takes all traffic at once, and is promoted or rolled back on its figures.</summary>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder BlueGreen() => Set(RolloutStrategy.BlueGreen, []);

    /// <summary>An A/B experiment at a fixed split, decided by the always-valid sequential test on the per-prediction quality measure.</summary>
    /// <param name="candidateWeight">The candidate's share of traffic in percent.</param>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder Experiment(int candidateWeight = 50) => Set(RolloutStrategy.Experiment, [candidateWeight]);

    /// <summary>Sets the analysis settings (thresholds, interval, minimum sample size, approval); by default <see cref="RolloutAnalysis"/>'s defaults.</summary>
    /// <param name="analysis">The settings.</param>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder WithAnalysis(RolloutAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        Analysis = analysis;
        return this;
    }

    /// <summary>Sets the serving alias the rollout moves when it promotes; by default <c>champion</c>.</summary>
    /// <param name="alias">The alias.</param>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder Alias(string alias)
    {
        AliasValue = ModelAlias.Parse(alias);
        return this;
    }

    /// <summary>Sets how many predictions warm the candidate up before it receives traffic.</summary>
    /// <param name="predictions">The number of warm-up predictions, zero or more.</param>
    /// <returns>This builder.</returns>
    public RetrainRolloutBuilder WarmUp(int predictions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(predictions);
        WarmupPredictions = predictions;
        return this;
    }

    internal StartRolloutRequest ToRequest(ModelName name, ModelVersion candidate, string reason, string actor) => new(name, candidate, Strategy)
    {
        Alias = AliasValue,
        Steps = Steps,
        Analysis = Analysis,
        WarmupPredictions = WarmupPredictions,
        Reason = reason,
        Actor = actor,
    };

    private RetrainRolloutBuilder Set(RolloutStrategy strategy, int[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Strategy = strategy;
        Steps = steps.Length == 0 ? null : [.. steps];
        return this;
    }
}
