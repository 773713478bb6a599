namespace MLOps.Monitoring.Rollouts;

/// <summary>Reads the latest analysis of each model's active rollout (registered by <c>AddRolloutAnalysis</c>).</summary>
public interface IRolloutMonitor
{
    /// <summary>Gets the latest analysis of a model's rollout.</summary>
    /// <param name="modelName">The model.</param>
    /// <returns>The status, or <see langword="null"/> when the model has had no analysed rollout since the process started.</returns>
    RolloutStatus? GetStatus(ModelName modelName);
}
