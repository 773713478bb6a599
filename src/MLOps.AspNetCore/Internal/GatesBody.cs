namespace MLOps.AspNetCore.Internal;

/// <summary>
/// Reads the optional <c>gates</c> object of a promotion (<c>POST …/aliases/{alias}</c> and a rollout's <c>promote</c>), the
/// HTTP form of the CLI's gate options: <c>minMetrics</c> and <c>maxMetrics</c> (<c>--min-metric</c>, <c>--max-metric</c>,
/// one <see cref="MetricThresholdGate"/> per entry), <c>beatCurrent</c> (<c>--beat-current</c>, one
/// <see cref="BeatCurrentHolderGate"/> per object) and <c>requireApproval</c> (<c>--require-approval</c>,
/// <see cref="ApprovalRequiredGate"/>).
/// </summary>
/// <remarks>
/// An unknown field in <c>gates</c> is refused rather than ignored: a misspelt gate would otherwise let a promotion
/// through unchecked.
/// </remarks>
internal static class GatesBody
{
    /// <summary>The most entries of each gate list.</summary>
    public const int MaxGatesPerKind = 50;

    /// <summary>The longest metric name (as the registry accepts one).</summary>
    public const int MaxMetricNameLength = 250;

    /// <summary>
    /// The gates, or <see langword="null"/> when the body has no <c>gates</c> field or names none; errors go to
    /// <paramref name="body"/>.
    /// </summary>
    public static List<PromotionGate>? Read(ManagementBody body)
    {
        if (body.Object("gates") is not { } gates)
        {
            return null;
        }

        gates.RefuseUnknown("minMetrics", "maxMetrics", "beatCurrent", "requireApproval");
        var result = new List<PromotionGate>();
        foreach ((string metric, double minimum) in gates.NumberMap("minMetrics", MaxGatesPerKind, MaxMetricNameLength) ?? [])
        {
            result.Add(new MetricThresholdGate(metric, minimum: minimum));
        }

        foreach ((string metric, double maximum) in gates.NumberMap("maxMetrics", MaxGatesPerKind, MaxMetricNameLength) ?? [])
        {
            result.Add(new MetricThresholdGate(metric, maximum: maximum));
        }

        foreach (ManagementBody beat in gates.Objects("beatCurrent", MaxGatesPerKind))
        {
            beat.RefuseUnknown("metric", "margin", "higherIsBetter");
            string? metric = beat.String("metric", required: true, maxLength: MaxMetricNameLength);
            double? margin = beat.Number("margin");
            bool higherIsBetter = beat.Bool("higherIsBetter", required: false) ?? true;
            if (metric is not null && metric.Any(char.IsControl))
            {
                beat.Error("metric", "Must be printable characters.");
                metric = null;
            }

            if (margin < 0)
            {
                beat.Error("margin", "Must be a finite number of 0 or more.");
                margin = null;
            }

            if (metric is not null && beat.IsValid)
            {
                result.Add(new BeatCurrentHolderGate(metric, margin ?? 0, higherIsBetter));
            }
        }

        if (gates.Bool("requireApproval", required: false) == true)
        {
            result.Add(new ApprovalRequiredGate());
        }

        return result.Count == 0 ? null : result;
    }
}
