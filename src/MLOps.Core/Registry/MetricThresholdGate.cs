using System.Globalization;

namespace MLOps;

/// <summary>Passes when the candidate's metric is at least <see cref="Minimum"/> and at most <see cref="Maximum"/>.</summary>
public sealed class MetricThresholdGate : PromotionGate
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="metric">The metric name.</param>
    /// <param name="minimum">The inclusive lower bound, or <see langword="null"/>.</param>
    /// <param name="maximum">The inclusive upper bound, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is empty, or neither bound is given.</exception>
    public MetricThresholdGate(string metric, double? minimum = null, double? maximum = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        if (minimum is null && maximum is null)
        {
            throw new ArgumentException("Give a minimum, a maximum or both.", nameof(minimum));
        }

        Metric = metric;
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>Gets the metric name.</summary>
    public string Metric { get; }

    /// <summary>Gets the inclusive lower bound, or <see langword="null"/>.</summary>
    public double? Minimum { get; }

    /// <summary>Gets the inclusive upper bound, or <see langword="null"/>.</summary>
    public double? Maximum { get; }

    /// <inheritdoc/>
    public override string Description => (Minimum, Maximum) switch
    {
        ({ } min, { } max) => string.Create(CultureInfo.InvariantCulture, $"metric {Metric} in [{min}, {max}]"),
        ({ } min, null) => string.Create(CultureInfo.InvariantCulture, $"metric {Metric} >= {min}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"metric {Metric} <= {Maximum}"),
    };

    /// <inheritdoc/>
    public override string? Evaluate(PromotionGateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MLOps.Internal.TrainingEvaluation.TryGetMetric(context.Candidate.Metrics, Metric, out double value))
        {
            return $"{Description}: version {context.Candidate.Version} has no metric '{Metric}'.";
        }

        if (double.IsNaN(value) || value < Minimum || value > Maximum)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Description}: version {context.Candidate.Version} has {Metric} = {value}.");
        }

        return null;
    }
}
