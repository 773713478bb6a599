using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Rollouts.Internal;

internal static partial class RolloutLog
{
    [LoggerMessage(EventId = 650, EventName = "RolloutDecided", Level = LogLevel.Information,
        Message = "Rollout {RolloutId} of model '{ModelName}': {Action} ({Reason}).")]
    public static partial void Decided(ILogger logger, string modelName, string rolloutId, RolloutAction action, string reason);

    [LoggerMessage(EventId = 651, EventName = "RolloutRolledBack", Level = LogLevel.Warning,
        Message = "Rollout {RolloutId} of model '{ModelName}' rolled back candidate version {Candidate}: {Reason}.")]
    public static partial void RolledBack(ILogger logger, string modelName, string rolloutId, ModelVersion candidate, string reason);

    [LoggerMessage(EventId = 652, EventName = "RolloutAnalysisPaused", Level = LogLevel.Error,
        Message = "The analysis of model '{ModelName}''s rollout is paused: the registry could not be reached; nothing is decided until it can.")]
    public static partial void Paused(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 653, EventName = "RolloutDecisionConflict", Level = LogLevel.Information,
        Message = "Rollout {RolloutId} of model '{ModelName}' changed while it was analysed (someone else decided); it is read again before the next decision.")]
    public static partial void Conflict(ILogger logger, string modelName, string rolloutId);

    [LoggerMessage(EventId = 654, EventName = "RolloutPromotionRejected", Level = LogLevel.Warning,
        Message = "Rollout {RolloutId} of model '{ModelName}': the promotion was rejected by a gate; the alias did not move: {Reason}")]
    public static partial void PromotionRejected(ILogger logger, string modelName, string rolloutId, string reason);

    [LoggerMessage(EventId = 655, EventName = "RolloutPromotionNotConfirmed", Level = LogLevel.Error,
        Message = "Rollout {RolloutId} of model '{ModelName}': the registry answered the promotion with state {State}, not Succeeded; the rollout is not reported as promoted.")]
    public static partial void PromotionNotConfirmed(ILogger logger, string modelName, string rolloutId, RolloutState state);

    [LoggerMessage(EventId = 656, EventName = "SampleRatioMismatch", Level = LogLevel.Warning,
        Message = "Experiment {RolloutId} of model '{ModelName}': sample ratio mismatch (p = {PValue}): {Primary} primary and {Candidate} candidate predictions at a {Weight}% candidate weight.")]
    public static partial void SampleRatioMismatch(ILogger logger, string modelName, string rolloutId, double pValue, long primary, long candidate, int weight);

    [LoggerMessage(EventId = 657, EventName = "RolloutAnalysisFailed", Level = LogLevel.Error,
        Message = "The rollout analysis pass failed; the loop goes on.")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 658, EventName = "RolloutAnalysisLeadership", Level = LogLevel.Information,
        Message = "Rollout analysis: this replica is {Role}.")]
    public static partial void Leadership(ILogger logger, string role);
}
