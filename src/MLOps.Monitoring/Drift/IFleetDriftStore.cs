namespace MLOps.Monitoring.Drift;

/// <summary>
/// Where the replicas of a fleet publish their closed drift windows and the leader stores the fleet reports. MLOps.Registry
/// implements it on PostgreSQL (<c>AddPostgresFleetDrift</c>). Buckets are assigned by the store's clock, so the
/// replicas' clocks need not agree.
/// </summary>
public interface IFleetDriftStore
{
    /// <summary>Stores a closed window in the bucket of the store's current time, recording this replica's id.</summary>
    /// <param name="window">The window.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the window is stored.</returns>
    Task PublishAsync(FleetDriftWindow window, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the buckets that are complete (they ended more than <see cref="FleetDriftOptions.GracePeriod"/> ago, by
    /// the store's clock) and have no fleet report yet, oldest first, each with all its windows.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The buckets to evaluate.</returns>
    Task<IReadOnlyList<FleetDriftBucket>> GetCompleteBucketsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the fleet report of a bucket unless the bucket already has one, atomically, so a bucket is evaluated
    /// once even when two replicas believe they lead.
    /// </summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="report">Its report.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when this call stored the report; <see langword="false"/> when the bucket already had one.</returns>
    Task<bool> TryCompleteAsync(FleetDriftBucket bucket, DriftReport report, CancellationToken cancellationToken = default);

    /// <summary>Returns the fleet report of the latest evaluated bucket of a model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The report, or <see langword="null"/> when no bucket of the model was evaluated.</returns>
    Task<DriftReport?> GetLatestReportAsync(ModelName model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the windows and the reports of the buckets that ended more than <paramref name="retention"/> ago, by the
    /// store's clock, except the latest report of each model version. The fleet's leader calls it about every hour
    /// (<see cref="FleetDriftOptions.Retention"/>). A bucket's windows go no later than its report, so a deleted bucket
    /// is never evaluated again.
    /// </summary>
    /// <param name="retention">How long windows and reports are kept.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many windows and reports were deleted.</returns>
    Task<int> DeleteExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default);
}
