using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Statistics;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The latest analysis of a rollout as <c>GET …/rollout</c> shows it (from <see cref="IRolloutMonitor"/>, when the app runs
/// <c>AddRolloutAnalysis</c>): per-arm figures, the failed-check count, the experiment's test. Latencies are in
/// milliseconds; a figure that is not finite (an interval still unbounded) is <see langword="null"/>, since JSON has no infinity.
/// </summary>
internal sealed record RolloutAnalysisInfo
{
    /// <summary>Gets when the analysis ran.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>Gets the analysis's summary of its last pass, in words.</summary>
    public required string Summary { get; init; }

    /// <summary>Gets whether the analysis is paused because the registry could not be reached.</summary>
    public required bool Paused { get; init; }

    /// <summary>Gets the failed soft checks in a row.</summary>
    public required int ConsecutiveFailures { get; init; }

    /// <summary>Gets the primary arm's figures.</summary>
    public required ArmInfo Primary { get; init; }

    /// <summary>Gets the candidate arm's figures.</summary>
    public required ArmInfo Candidate { get; init; }

    /// <summary>Gets, for an experiment, the sample-ratio-mismatch p-value.</summary>
    public double? SampleRatioPValue { get; init; }

    /// <summary>Gets, for an experiment, the latest look of the always-valid sequential test.</summary>
    public ExperimentInfo? Experiment { get; init; }

    internal static RolloutAnalysisInfo From(RolloutStatus status) => new()
    {
        EvaluatedAt = status.EvaluatedAt,
        Summary = status.Summary,
        Paused = status.Paused,
        ConsecutiveFailures = status.ConsecutiveFailures,
        Primary = ArmInfo.From(status.Primary),
        Candidate = ArmInfo.From(status.Candidate),
        SampleRatioPValue = Finite(status.SampleRatioPValue),
        Experiment = status.Experiment is { } e ? ExperimentInfo.From(e) : null,
    };

    internal static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>One arm's figures over the current analysis window.</summary>
    internal sealed record ArmInfo
    {
        /// <summary>Gets the arm's version.</summary>
        public required int Version { get; init; }

        /// <summary>Gets the arm's variant (primary, candidate or shadow).</summary>
        public required string Variant { get; init; }

        /// <summary>Gets the predictions made.</summary>
        public required long Requests { get; init; }

        /// <summary>Gets the predictions that failed.</summary>
        public required long Errors { get; init; }

        /// <summary>Gets the share of predictions that failed.</summary>
        public required double ErrorRate { get; init; }

        /// <summary>Gets the median latency in milliseconds.</summary>
        public double? LatencyP50Ms { get; init; }

        /// <summary>Gets the 95th percentile latency in milliseconds.</summary>
        public double? LatencyP95Ms { get; init; }

        /// <summary>Gets the 99th percentile latency in milliseconds.</summary>
        public double? LatencyP99Ms { get; init; }

        /// <summary>Gets the predictions joined with ground truth.</summary>
        public required long Labelled { get; init; }

        /// <summary>Gets the mean per-prediction measure (absolute error, or 1/0 correctness).</summary>
        public double? MeanMeasure { get; init; }

        /// <summary>Gets the rollout's quality metric on this arm.</summary>
        public double? Quality { get; init; }

        /// <summary>Gets whether this arm's traffic drifted.</summary>
        public required bool Drift { get; init; }

        /// <summary>Gets, for a shadow, the share of predictions that agree with the served ones.</summary>
        public double? Agreement { get; init; }

        /// <summary>Gets, for a shadow, the mean absolute difference from the served predictions.</summary>
        public double? MeanAbsoluteDifference { get; init; }

        internal static ArmInfo From(RolloutArmStatus arm) => new()
        {
            Version = arm.Version.Number,
            Variant = arm.Variant,
            Requests = arm.Requests,
            Errors = arm.Errors,
            ErrorRate = arm.ErrorRate,
            LatencyP50Ms = arm.LatencyP50?.TotalMilliseconds,
            LatencyP95Ms = arm.LatencyP95?.TotalMilliseconds,
            LatencyP99Ms = arm.LatencyP99?.TotalMilliseconds,
            Labelled = arm.Labelled,
            MeanMeasure = Finite(arm.MeanMeasure),
            Quality = Finite(arm.Quality),
            Drift = arm.Drift,
            Agreement = Finite(arm.Agreement),
            MeanAbsoluteDifference = Finite(arm.MeanAbsoluteDifference),
        };
    }

    /// <summary>The experiment's always-valid sequential test (treatment = candidate, control = primary).</summary>
    internal sealed record ExperimentInfo
    {
        /// <summary>Gets the effect, treatment minus control.</summary>
        public double? Effect { get; init; }

        /// <summary>Gets the always-valid p-value.</summary>
        public double? PValue { get; init; }

        /// <summary>Gets the confidence sequence's lower bound, or <see langword="null"/> while unbounded.</summary>
        public double? Lower { get; init; }

        /// <summary>Gets the confidence sequence's upper bound, or <see langword="null"/> while unbounded.</summary>
        public double? Upper { get; init; }

        /// <summary>Gets the decision: none, treatment_better or treatment_worse.</summary>
        public required SequentialDecision Decision { get; init; }

        /// <summary>Gets whether both arms reached the minimum sample size.</summary>
        public required bool MinimumSampleReached { get; init; }

        internal static ExperimentInfo From(SequentialTestResult r) => new()
        {
            Effect = Finite(r.Effect),
            PValue = Finite(r.PValue),
            Lower = Finite(r.Interval.Lower),
            Upper = Finite(r.Interval.Upper),
            Decision = r.Decision,
            MinimumSampleReached = r.MinimumSampleReached,
        };
    }
}
