using System.Globalization;

namespace MLOps;

/// <summary>
/// Passes when the candidate beats the alias's current holder on a metric by at least a margin (absolute). Passes when
/// the alias has no holder yet.
/// </summary>
public sealed class BeatCurrentHolderGate : PromotionGate
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="metric">The metric name.</param>
    /// <param name="margin">The minimum improvement (absolute, not negative).</param>
    /// <param name="higherIsBetter">Whether higher values are better (<c>r2</c>, <c>auc</c>) or lower (<c>rmse</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is negative or not finite.</exception>
    public BeatCurrentHolderGate(string metric, double margin = 0, bool higherIsBetter = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        if (!double.IsFinite(margin) || margin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be a finite number of 0 or more.");
        }

        Metric = metric;
        Margin = margin;
        HigherIsBetter = higherIsBetter;
    }

    /// <summary>Gets the metric name.</summary>
    public string Metric { get; }

    /// <summary>Gets the minimum improvement.</summary>
    public double Margin { get; }

    /// <summary>Gets whether higher values are better.</summary>
    public bool HigherIsBetter { get; }

    /// <inheritdoc/>
    public override string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"metric {Metric} {(HigherIsBetter ? "higher" : "lower")} than the current holder's by at least {Margin}");

    /// <inheritdoc/>
    public override string? Evaluate(PromotionGateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CurrentHolder is not { } holder || holder.Version == context.Candidate.Version)
        {
            return null;
        }

        if (!MLOps.Internal.TrainingEvaluation.TryGetMetric(context.Candidate.Metrics, Metric, out double candidate) || double.IsNaN(candidate))
        {
            return $"{Description}: version {context.Candidate.Version} has no metric '{Metric}'.";
        }

        if (!MLOps.Internal.TrainingEvaluation.TryGetMetric(holder.Metrics, Metric, out double current) || double.IsNaN(current))
        {
            return null; // nothing to beat
        }

        double improvement = HigherIsBetter ? candidate - current : current - candidate;
        return improvement >= Margin
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{Description}: version {context.Candidate.Version} has {Metric} = {candidate}, the current holder version {holder.Version} has {current}.");
    }
}
