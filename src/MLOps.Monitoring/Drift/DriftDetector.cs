using Microsoft.ML;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Profiles.Internal;

namespace MLOps.Monitoring.Drift;

/// <summary>
/// Batch drift detection: compares current data with a <see cref="ReferenceProfile"/> feature by feature and reports
/// per-feature and dataset drift plus data quality. See <see cref="DriftMethod.Auto"/> for how methods are chosen.
/// </summary>
public static class DriftDetector
{
    /// <summary>Compares rows of <typeparamref name="T"/> with the reference (features are matched to public members by name).</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="profile">The reference profile.</param>
    /// <param name="current">The current rows.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="DriftReport.CreatedAt"/>, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/>, <paramref name="current"/> or a row is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A method does not fit a feature (for example KS on a categorical feature).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static DriftReport Compare<T>(ReferenceProfile profile, IEnumerable<T> current, DriftOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(current);
        var reference = new CompiledReference(profile, options ?? new DriftOptions());
        (Pane pane, SchemaComparison schema) = BatchCurrent.FromRows(reference, current);
        return DriftEvaluator.Evaluate(pane, schema, (timeProvider ?? TimeProvider.System).GetUtcNow());
    }

    /// <summary>Compares the scalar columns of an ML.NET <see cref="IDataView"/> with the reference (matched by column name).</summary>
    /// <param name="profile">The reference profile.</param>
    /// <param name="current">The current data.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="DriftReport.CreatedAt"/>, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> or <paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A method does not fit a feature.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static DriftReport Compare(ReferenceProfile profile, IDataView current, DriftOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(current);
        var reference = new CompiledReference(profile, options ?? new DriftOptions());
        (Pane pane, SchemaComparison schema) = BatchCurrent.FromDataView(reference, current);
        return DriftEvaluator.Evaluate(pane, schema, (timeProvider ?? TimeProvider.System).GetUtcNow());
    }

    /// <summary>
    /// Compares a profile of current data with the reference (for example profiles built on several replicas and
    /// merged). Bin counts are exact when both profiles share bin edges, otherwise estimated from the current sample.
    /// </summary>
    /// <param name="profile">The reference profile.</param>
    /// <param name="current">The profile of the current data.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="DriftReport.CreatedAt"/>, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> or <paramref name="current"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A method does not fit a feature.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static DriftReport Compare(ReferenceProfile profile, ReferenceProfile current, DriftOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(current);
        var reference = new CompiledReference(profile, options ?? new DriftOptions());
        (Pane pane, SchemaComparison schema) = BatchCurrent.FromProfile(reference, current);
        return DriftEvaluator.Evaluate(pane, schema, (timeProvider ?? TimeProvider.System).GetUtcNow());
    }

    /// <summary>Compares columns given as arrays with the reference.</summary>
    /// <param name="profile">The reference profile.</param>
    /// <param name="numeric">Numeric (and boolean, as 0/1) columns by name; NaN is missing.</param>
    /// <param name="categorical">Categorical columns by name; <see langword="null"/> is missing.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="DriftReport.CreatedAt"/>, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> or <paramref name="numeric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The columns differ in length, or a method does not fit a feature.</exception>
    public static DriftReport CompareColumns(
        ReferenceProfile profile,
        IEnumerable<KeyValuePair<string, double[]>> numeric,
        IEnumerable<KeyValuePair<string, string?[]>>? categorical = null,
        DriftOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(numeric);
        var reference = new CompiledReference(profile, options ?? new DriftOptions());
        List<FeatureColumn> columns = ReferenceProfile.Columns(numeric, categorical, nameof(numeric));
        (Pane pane, SchemaComparison schema) = BatchCurrent.FromColumns(reference, columns);
        return DriftEvaluator.Evaluate(pane, schema, (timeProvider ?? TimeProvider.System).GetUtcNow());
    }
}
