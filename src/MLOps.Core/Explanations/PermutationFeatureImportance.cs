using MLOps.Internal;

namespace MLOps;

/// <summary>
/// Permutation feature importance for any <see cref="InferenceModel"/>: each feature is shuffled across the evaluation
/// rows, one at a time, and the loss of the task's main metric is measured. Store the result with a version through
/// <see cref="UpdateVersionRequest.FeatureImportance"/> (or <see cref="RegisterVersionRequest.FeatureImportance"/>); the
/// training runner and the retrainer compute it for ML.NET models when asked.
/// </summary>
public static class PermutationFeatureImportance
{
    /// <summary>Computes the importance of each feature of <paramref name="model"/> on labelled evaluation rows.</summary>
    /// <typeparam name="TIn">The input type (its public properties and fields are the features and the label).</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="rows">The evaluation rows, with their labels (at least 2; they are copied, never changed).</param>
    /// <param name="options">What to measure and how.</param>
    /// <returns>One importance per feature, most important first.</returns>
    /// <exception cref="ArgumentException">The options name a member that does not exist, or a metric that is not supported, or there are too few rows.</exception>
    /// <exception cref="InvalidOperationException">The metric cannot be computed on these rows (for <c>r2</c>: every label is the same).</exception>
    public static IReadOnlyList<FeatureImportance> Compute<TIn, TOut>(InferenceModel model, IReadOnlyList<TIn> rows, FeatureImportanceOptions options)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        return GenericFeatureImportance.Compute<TIn, TOut>(model, rows, options);
    }
}
