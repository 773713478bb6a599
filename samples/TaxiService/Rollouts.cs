using MLOps;

namespace TaxiService;

/// <summary>
/// How the sample rolls a new version out: the canary steps and the analysis settings, from configuration
/// (<c>MLOps:CanarySteps</c>, <c>MLOps:RolloutAnalysis</c>; environment <c>MLOps__RolloutAnalysis__Interval=00:00:02</c> …).
/// The retrain policy and the bad-candidate demo use the same settings.
/// </summary>
internal sealed class Rollouts(IReadOnlyList<int> steps, RolloutAnalysis analysis, int warmUp)
{
    /// <summary>The candidate's weights, in percent, step by step.</summary>
    public IReadOnlyList<int> Steps { get; } = steps;

    /// <summary>How the analysis judges the candidate: error rate, latency and, from the trips reported as completed, mean absolute error.</summary>
    public RolloutAnalysis Analysis { get; } = analysis;

    /// <summary>Predictions that warm the candidate up before it gets any traffic.</summary>
    public int WarmUp { get; } = warmUp;

    public static Rollouts From(IConfiguration settings)
    {
        int[] steps = settings.GetSection("CanarySteps").Get<int[]>() is { Length: > 0 } configured ? configured : [10, 50];
        RolloutAnalysis analysis = settings.GetSection("RolloutAnalysis").Get<RolloutAnalysis>() ?? new RolloutAnalysis();
        // Quality from delayed ground truth: the trips the app reports as completed are joined to both arms' predictions.
        analysis = analysis with { QualityMetric = analysis.QualityMetric ?? "mae" };
        return new Rollouts(steps, analysis, settings.GetValue("RolloutWarmUp", 100));
    }
}
