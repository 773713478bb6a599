namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>A quality trigger: <see cref="Metric"/> below (or above) <see cref="Threshold"/> for <see cref="ConsecutiveWindows"/> windows.</summary>
internal sealed record QualityRule(string Metric, double Threshold, bool Below, int ConsecutiveWindows)
{
    public bool IsViolatedBy(double value) => !double.IsNaN(value) && (Below ? value < Threshold : value > Threshold);

    public override string ToString() => $"{Metric} {(Below ? "<" : ">")} {Threshold} for {ConsecutiveWindows} window(s)";
}
