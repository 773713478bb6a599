namespace MLOps.Monitoring.Retraining;

/// <summary>
/// Where the retrain loop gets labelled rows: the application's own store (a table, files, the labelled traffic it
/// kept). The loop splits them into a training set and a hold-out set on which the candidate and the champion are
/// both evaluated.
/// </summary>
/// <typeparam name="TIn">The model's input type, including the label.</typeparam>
public interface ITrainingDataSource<TIn>
    where TIn : class
{
    /// <summary>Loads the rows to retrain on.</summary>
    /// <param name="trigger">Why the retrain runs (a source may pick the time range from it).</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>The labelled rows; an empty result fails the attempt with a clear error.</returns>
    ValueTask<IReadOnlyList<TIn>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken);
}
