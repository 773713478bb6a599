using System.Globalization;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// The decision rules of the rollout analysis (docs/architecture.md, "Rollout decisions"), as a pure function of a
/// rollout, its arms' figures and the consecutive failures so far. No I/O: the analyzer records what it returns.
/// </summary>
internal static class RolloutEvaluator
{
    public static RolloutVerdict Evaluate(
        Rollout rollout,
        RolloutArmStatus primary,
        RolloutArmStatus candidate,
        string? candidateLoadFailure,
        int consecutiveFailures,
        int minLabelled,
        SequentialTestResult? experiment = null)
    {
        RolloutAnalysis analysis = rollout.Analysis;
        string candidateName = rollout.Strategy == RolloutStrategy.Shadow ? "shadow" : "candidate";

        // Hard failures: rolled back at once.
        if (candidateLoadFailure is not null)
        {
            return new(RolloutAction.RolledBack, $"the {candidateName} version {candidate.Version} failed to load ({candidateLoadFailure})", consecutiveFailures);
        }

        if (analysis.MaxErrorRate is { } maxErrorRate && candidate.Requests >= analysis.MinSampleSize && candidate.ErrorRate > maxErrorRate)
        {
            return new(RolloutAction.RolledBack, Invariant(
                $"the {candidateName}'s error rate {candidate.ErrorRate:0.##%} over {candidate.Requests} predictions is above the maximum {maxErrorRate:0.##%}"),
                consecutiveFailures);
        }

        // Enough data on every arm that takes traffic.
        bool primaryTakesTraffic = rollout.Strategy == RolloutStrategy.Shadow || rollout.CandidateWeight < 100;
        bool candidateTakesTraffic = rollout.Strategy == RolloutStrategy.Shadow || rollout.CandidateWeight > 0;
        if (candidateTakesTraffic && candidate.Requests < analysis.MinSampleSize)
        {
            return new(RolloutAction.Held, Invariant($"waiting for data: fewer than {analysis.MinSampleSize} predictions on the {candidateName} arm"), consecutiveFailures);
        }

        if (primaryTakesTraffic && primary.Requests < analysis.MinSampleSize)
        {
            return new(RolloutAction.Held, Invariant($"waiting for data: fewer than {analysis.MinSampleSize} predictions on the primary arm"), consecutiveFailures);
        }

        // Soft checks: each failure counts towards the failure threshold; a pass resets it.
        bool compare = primary.Requests >= analysis.MinSampleSize;
        var failed = new List<string>();
        if (compare && analysis.MaxLatencyRatio is { } maxRatio
            && candidate.LatencyP95 is { } candidateP95 && primary.LatencyP95 is { } primaryP95 && primaryP95 > TimeSpan.Zero)
        {
            double ratio = candidateP95 / primaryP95;
            if (ratio > maxRatio)
            {
                failed.Add(Invariant($"p95 latency {Ms(candidateP95)} is {ratio:0.##}× the primary's {Ms(primaryP95)}, above {maxRatio:0.##}×"));
            }
        }

        if (analysis.MaxLatency is { } maxLatency && candidate.LatencyP95 is { } p95 && p95 > maxLatency)
        {
            failed.Add(Invariant($"p95 latency {Ms(p95)} is above the maximum {Ms(maxLatency)}"));
        }

        if (analysis.FailOnDrift && candidate.Drift)
        {
            failed.Add($"dataset drift on the {candidateName}'s traffic");
        }

        string? waiting = null;
        if (analysis.QualityMetric is { } metric)
        {
            if (candidate.Labelled < minLabelled || (compare && primary.Labelled < minLabelled))
            {
                waiting = Invariant($"waiting for ground truth: fewer than {minLabelled} labelled predictions on an arm");
            }
            else if (compare && candidate.Quality is { } candidateQuality && primary.Quality is { } primaryQuality
                && Degraded(metric, candidateQuality, primaryQuality, analysis.MaxQualityDegradation))
            {
                failed.Add(Invariant($"{metric} {candidateQuality:0.####} is worse than the primary's {primaryQuality:0.####} by more than {analysis.MaxQualityDegradation:0.##%}"));
            }
        }

        if (failed.Count > 0)
        {
            int failures = consecutiveFailures + 1;
            string checks = string.Join("; ", failed);
            return failures >= analysis.FailureThreshold
                ? new(RolloutAction.RolledBack, Invariant($"{failures} failed checks in a row (threshold {analysis.FailureThreshold}): {checks}"), failures)
                : new(RolloutAction.Held, Invariant($"check failed ({failures} of {analysis.FailureThreshold}): {checks}"), failures);
        }

        if (waiting is not null)
        {
            return new(RolloutAction.Held, waiting, 0);
        }

        return rollout.Strategy switch
        {
            RolloutStrategy.Shadow when analysis.PromoteShadowWhenBetter => Sequential("shadow comparison", "shadow", experiment),
            RolloutStrategy.Shadow => new(RolloutAction.Held, "shadow comparison: every check passes (a shadow rollout is promoted by hand)", 0),
            RolloutStrategy.Experiment => Sequential("experiment", "candidate", experiment),
            _ when rollout.Step < rollout.Steps.Count - 1 => new(RolloutAction.Advanced, Invariant(
                $"every check passed at {rollout.CandidateWeight}% (step {rollout.Step + 1} of {rollout.Steps.Count})"), 0),
            _ when analysis.RequireApproval => new(RolloutAction.ApprovalRequested, "every check passed at the last step; approval required", 0),
            _ => new(RolloutAction.Promoted, Invariant($"every check passed at the last step ({rollout.CandidateWeight}%)"), 0),
        };
    }

    /// <summary>The decision of the always-valid sequential test: significantly better promotes, worse rolls back, else hold.</summary>
    private static RolloutVerdict Sequential(string what, string arm, SequentialTestResult? test) => test switch
    {
        { Decision: SequentialDecision.TreatmentBetter } e => new(RolloutAction.Promoted, Invariant(
            $"{what}: the {arm} is significantly better: effect {e.Effect:0.####} in [{e.Interval.Lower:0.####}, {e.Interval.Upper:0.####}], always-valid p = {e.PValue:0.####}"), 0),
        { Decision: SequentialDecision.TreatmentWorse } e => new(RolloutAction.RolledBack, Invariant(
            $"{what}: the {arm} is significantly worse: effect {e.Effect:0.####} in [{e.Interval.Lower:0.####}, {e.Interval.Upper:0.####}], always-valid p = {e.PValue:0.####}"), 0),
        _ => new(RolloutAction.Held, $"{what}: no significant difference yet", 0),
    };

    /// <summary>Whether <paramref name="candidate"/> is worse than <paramref name="primary"/> by more than the relative tolerance.</summary>
    public static bool Degraded(string metric, double candidate, double primary, double tolerance)
    {
        double margin = tolerance * Math.Abs(primary);
        return QualityMetricNames.IsLowerBetter(metric) ? candidate > primary + margin : candidate < primary - margin;
    }

    private static string Ms(TimeSpan value) => Invariant($"{value.TotalMilliseconds:0.###} ms");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
