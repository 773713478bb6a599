using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Retraining;

/// <summary>Options of the retrain loop shared by every model (each model's policy is set with <c>WithRetrainPolicy</c>).</summary>
public sealed class RetrainOptions
{
    /// <summary>The default <see cref="StateDirectory"/>.</summary>
    public const string DefaultStateDirectory = ".mlops/retrain";

    /// <summary>The default <see cref="RecentRunsPerModel"/>.</summary>
    public const int DefaultRecentRunsPerModel = 20;

    /// <summary>
    /// Gets or sets where the loop persists, per model, the last retrain time, the schedule anchor and the handled
    /// trigger keys, so a restart neither retrains twice for one trigger nor forgets the cooldown.
    /// </summary>
    /// <value>The default value is <c>.mlops/retrain</c> (relative to the current directory).</value>
    [Required]
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    /// <summary>
    /// Gets or sets whether this process runs the retrain loop at all. Kept for compatibility: it is no longer needed with
    /// several replicas on a PostgreSQL registry, which elect a leader (<see cref="ILeaderElection"/>), and only the
    /// leader handles triggers (a follower drops them, counted in <c>mlops.retrain.triggers</c> with the decision
    /// <c>follower</c>). Set it to <see langword="false"/> only on a replica that must never retrain: while such a replica
    /// leads, no replica retrains.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many recent runs per model <see cref="IRetrainCoordinator.GetStatus"/> returns.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int RecentRunsPerModel { get; set; } = DefaultRecentRunsPerModel;
}
